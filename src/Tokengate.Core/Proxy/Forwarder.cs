using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Proxy;

/// <summary>
/// Step 7, the forwarding loop: pick a backend with the pool's policy, send, classify the outcome; on 429, 5xx,
/// timeout or connection failure mark that backend cooling until its Retry-After and try the next at once, within
/// the attempt budget and the deadline. Once a response is being relayed there is no failover.
/// </summary>
internal sealed partial class Forwarder(OutboundHttpClient client, IBackendHealth health, TimeProvider time, Random random, GatewayMetrics metrics, ILogger<Forwarder> logger)
{
    public async Task ForwardAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var pool = feature.Pool!;
        var options = feature.Snapshot.Forwarding;
        var deadline = time.GetUtcNow() + options.Deadline - time.GetElapsedTime(feature.StartTimestamp);
        var last = AttemptOutcome.None;
        ulong tried = 0;
        var estimate = feature.Admission?.EstimatedTokens ?? 0;

        while (feature.Attempts < options.MaxAttempts)
        {
            var backend = pool.Policy.Select(pool, health, tried, estimate, random)
                ?? pool.Policy.Select(pool, health.IgnoringSpillover, tried, estimate, random);
            if (backend is null) break;
            tried |= 1UL << backend.Index;
            if (!health.TryBeginAttempt(backend)) continue;

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                health.ReportAbandoned(backend);
                last = AttemptOutcome.TimedOut;
                break;
            }

            feature.Attempts++;
            feature.Backend = backend;
            var verdict = false;
            try
            {
                last = await AttemptAsync(context, feature, backend, options, remaining).ConfigureAwait(false);
                verdict = true;
                if (last == AttemptOutcome.Answered) return;
            }
            finally
            {
                // The consumer left or something threw: a half-open probe must not stay claimed forever.
                if (!verdict) health.ReportAbandoned(backend);
            }
        }

        await Exhausted(pool, last, deadline).WriteAsync(context).ConfigureAwait(false);
    }

    /// <summary>One attempt on one backend; reports the outcome to the health state and relays an answer.</summary>
    private async Task<AttemptOutcome> AttemptAsync(HttpContext context, GatewayRequestFeature feature, Backend backend, ForwardingOptions options, TimeSpan remaining)
    {
        var aborted = context.RequestAborted;
        using var span = metrics.StartAttempt(backend, feature.Pool!, feature.Attempts);
        HttpResponseMessage response;
        using (var attemptTimeout = new CancellationTokenSource(Min(options.AttemptTimeout, remaining), time))
        using (aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attemptTimeout))
        {
            try
            {
                using var request = UpstreamRequestFactory.Create(context, feature, backend);
                await backend.Credential.ApplyAsync(request, attemptTimeout.Token).ConfigureAwait(false);
                health.ReportSent(backend, feature.Admission?.EstimatedTokens ?? 0);
                response = await client.SendAsync(request, attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                metrics.AttemptFailed(span, backend, feature.Pool!, AttemptOutcome.TimedOut, 0, options.DefaultCooldown);
                LogAttemptFailed(logger, backend.Name, feature.Pool!.Name, nameof(AttemptOutcome.TimedOut), 0);
                return AttemptOutcome.TimedOut;
            }
            catch (HttpRequestException ex)
            {
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                metrics.AttemptFailed(span, backend, feature.Pool!, AttemptOutcome.ConnectionFailed, 0, options.DefaultCooldown);
                LogAttemptFailed(logger, backend.Name, feature.Pool!.Name, ex.HttpRequestError.ToString(), 0);
                return AttemptOutcome.ConnectionFailed;
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (RetryAfter.Utilization(response.Headers) is { } utilization) health.ReportUtilization(backend, utilization);
            health.ReportQuota(backend, RateLimitHeaders.ReadBackendQuota(response.Headers));

            var outcome = Classify(status);
            if (outcome != AttemptOutcome.Answered)
            {
                var now = time.GetUtcNow();
                var rest = RetryAfter.From(response.Headers, now) ?? options.DefaultCooldown;
                if (rest > options.MaxCooldown) rest = options.MaxCooldown;
                if (outcome == AttemptOutcome.Throttled) health.ReportThrottled(backend, now + rest);
                else health.ReportFailure(backend, now + rest);
                metrics.AttemptFailed(span, backend, feature.Pool!, outcome, status, rest, response.Headers);
                LogAttemptFailed(logger, backend.Name, feature.Pool!.Name, outcome.ToString(), status);
                return outcome;
            }

            health.ReportSuccess(backend);
            metrics.AttemptAnswered(span, backend, feature.Pool!, status, response.Headers);
            feature.ResponseStartTimestamp = time.GetTimestamp();
            ResponseRelay.CopyStatusAndHeaders(response, context.Response);
            RateLimitHeaders.Apply(context.Response, feature.Admission);
            if (ResponseRelay.IsEventStream(response))
            {
                feature.StreamTap = new StreamUsageTap(feature.StripUsageChunk);
                if (!await ResponseRelay.RelayEventsAsync(context, response, feature.StreamTap, time).ConfigureAwait(false))
                    LogStreamBroken(logger, backend.Name, feature.Pool!.Name);
            }
            else
            {
                feature.ReportedUsage = await ResponseRelay.RelayBodyAsync(context, response).ConfigureAwait(false);
            }
            return AttemptOutcome.Answered;
        }
    }

    /// <summary>The answer when no backend produced a response to relay.</summary>
    private GatewayError Exhausted(Pool pool, AttemptOutcome last, DateTimeOffset deadline)
    {
        var now = time.GetUtcNow();
        if (last == AttemptOutcome.TimedOut || now >= deadline) return GatewayError.Timeout(pool.Name);

        var recovery = health.EarliestRecovery(pool) - now;
        if (recovery > TimeSpan.Zero)
        {
            // Every backend is resting: tell the consumer exactly when the first one is back.
            return last is AttemptOutcome.Throttled or AttemptOutcome.None
                ? GatewayError.AllBackendsThrottled(pool.Name, recovery)
                : GatewayError.BackendsUnavailable(pool.Name, recovery);
        }

        // Attempts ran out on failures, or the only candidates are momentarily held (a half-open probe in flight).
        return last == AttemptOutcome.None
            ? GatewayError.BackendsUnavailable(pool.Name, TimeSpan.FromSeconds(1))
            : GatewayError.BadGateway(pool.Name);
    }

    private static AttemptOutcome Classify(int status) => status switch
    {
        429 => AttemptOutcome.Throttled,
        408 or >= 500 => AttemptOutcome.Failed,
        // The backend's own key, role or deployment is wrong: another backend may be configured correctly.
        401 or 403 or 404 => AttemptOutcome.Failed,
        _ => AttemptOutcome.Answered,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(1, LogLevel.Information, "Backend {Backend} of pool {Pool} failed an attempt: {Outcome} {Status}; trying the next")]
    private static partial void LogAttemptFailed(ILogger logger, string backend, string pool, string outcome, int status);

    [LoggerMessage(2, LogLevel.Warning, "Stream from backend {Backend} of pool {Pool} broke; the consumer got an error event")]
    private static partial void LogStreamBroken(ILogger logger, string backend, string pool);
}
