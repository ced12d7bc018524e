using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Limits;
using Tokengate.Simulator.Media;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// The steps every data-plane operation shares after validation: fault injection, admission against the
/// deployment's limits (with the matching headers or a 429), and settling usage afterwards.
/// </summary>
internal sealed class AdmissionGate(SimulatorRuntime runtime, ILogger<AdmissionGate> logger)
{
    private const int DefaultInjected429RetryMs = 1_000;

    /// <summary>Returns false when an injected fault has already answered (or aborted) the request.</summary>
    public async Task<bool> PassFaultsAsync(SimulatedCall call)
    {
        var faults = call.Snapshot.Options.Faults;
        if (faults.SlowHeadersMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(faults.SlowHeadersMs), runtime.Time, call.Aborted);
        }

        if (call.Deployment.TryConsumeReset() || runtime.Random.Chance(faults.ConnectionResetRate))
        {
            SimulatorLog.FaultInjected(logger, "connection reset", call.Deployment.Name);
            call.Deployment.RecordFailed();
            call.Context.Abort();
            return false;
        }

        int? status = call.Deployment.TryConsumeFailure() ? faults.FailNextStatusCode : null;
        if (status is null)
        {
            foreach (var (code, rate) in faults.ErrorRates)
            {
                if (runtime.Random.Chance(rate))
                {
                    status = code;
                    break;
                }
            }
        }

        if (status is not int injected)
        {
            return true;
        }

        SimulatorLog.FaultInjected(logger, $"status {injected}", call.Deployment.Name);
        var response = call.Context.Response;
        if (injected == StatusCodes.Status429TooManyRequests)
        {
            call.Deployment.RecordThrottled();
            var seconds = ResponseHeaders.WriteRetryAfter(response, TimeSpan.FromMilliseconds(faults.FailNextRetryAfterMs ?? DefaultInjected429RetryMs));
            await AzureErrors.WriteAsync(call.Context, injected, "429", AzureErrors.RateLimited(call.Operation.RateLimitName, call.ApiVersion, calls: false, seconds));
            return false;
        }

        call.Deployment.RecordFailed();
        if (injected == StatusCodes.Status503ServiceUnavailable && faults.FailNextRetryAfterMs is int retryMs)
        {
            ResponseHeaders.WriteRetryAfter(response, TimeSpan.FromMilliseconds(retryMs));
        }

        await AzureErrors.WriteForStatusAsync(call.Context, injected);
        return false;
    }

    /// <summary>
    /// Charges the request against the deployment's limits. Standard deployments take <paramref name="standardCost"/>
    /// (the service's admission estimate); Provisioned ones add <paramref name="provisionedEstimate"/> to the bucket.
    /// Returns false after answering 429.
    /// </summary>
    public async Task<bool> TryAdmitAsync(SimulatedCall call, long standardCost, double provisionedEstimate)
    {
        var snapshot = call.Snapshot;
        var response = call.Context.Response;
        var now = runtime.NowTicks;
        AdmissionResult admission;
        if (snapshot.IsProvisioned)
        {
            admission = call.Deployment.Bucket.TryAdmit(now, provisionedEstimate, snapshot.CapacityPerMinute);
            ResponseHeaders.WriteUtilization(response, admission.UtilizationPercent);
            if (admission.Admitted)
            {
                call.AdmittedEstimate = provisionedEstimate;
            }
        }
        else
        {
            admission = call.Deployment.Limiter.TryAdmit(now, standardCost, snapshot.Options, snapshot.Model.LimitsRequestsPerMinute);
            ResponseHeaders.WriteRateLimits(response, admission);
        }

        if (admission.Admitted)
        {
            return true;
        }

        call.Deployment.RecordThrottled();
        SimulatorLog.Throttled(logger, call.Deployment.Name, admission.Reason.ToString(), (long)Math.Ceiling(admission.RetryAfter.TotalMilliseconds));
        var seconds = ResponseHeaders.WriteRetryAfter(response, admission.RetryAfter);
        var message = admission.Reason == ThrottleReason.Utilization
            ? AzureErrors.ProvisionedBusy(call.Operation.RateLimitName, call.ApiVersion, seconds)
            : AzureErrors.RateLimited(call.Operation.RateLimitName, call.ApiVersion, admission.Reason == ThrottleReason.Requests, seconds);
        await AzureErrors.WriteAsync(call.Context, StatusCodes.Status429TooManyRequests, "429", message);
        return false;
    }

    /// <summary>Records the outcome and corrects a provisioned bucket from the admission estimate to actual usage.</summary>
    public void Settle(SimulatedCall call, int promptTokens, int completionTokens, bool succeeded) =>
        Settle(call.Deployment, call.Snapshot, call.AdmittedEstimate, promptTokens, completionTokens, succeeded);

    /// <summary>
    /// The same, for work that outlives its request (a background response): only the deployment, the settings it
    /// ran under and what admission added are kept, never the finished request's context.
    /// </summary>
    public void Settle(DeploymentState deployment, DeploymentSnapshot snapshot, double admittedEstimate, int promptTokens, int completionTokens, bool succeeded) =>
        Settle(deployment, snapshot, admittedEstimate, BilledUsage.Text(promptTokens, completionTokens), succeeded);

    /// <summary>The same with usage by modality (image and audio operations).</summary>
    public void Settle(SimulatedCall call, in BilledUsage usage, bool succeeded) =>
        Settle(call.Deployment, call.Snapshot, call.AdmittedEstimate, usage, succeeded);

    private void Settle(DeploymentState deployment, DeploymentSnapshot snapshot, double admittedEstimate, in BilledUsage usage, bool succeeded)
    {
        if (snapshot.IsProvisioned)
        {
            var actual = usage.InputTokens + (snapshot.Options.OutputTokenWeight * usage.OutputTokens);
            deployment.Bucket.Correct(runtime.NowTicks, actual - admittedEstimate, snapshot.CapacityPerMinute);
        }

        if (succeeded)
        {
            deployment.RecordSucceeded(usage);
        }
        else
        {
            deployment.RecordFailed();
        }
    }

    public Task DelayAsync(double milliseconds, SimulatedCall call) =>
        Latency.WaitAsync(Latency.Of(milliseconds, call.Snapshot.Options.Latency.JitterRatio, runtime.Random), runtime.Time, call.Aborted);
}
