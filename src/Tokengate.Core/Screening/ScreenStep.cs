using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.OpenAI;

namespace Tokengate.Screening;

/// <summary>
/// Step 5: screens what a request asks the model to read, under the consumer's policy
/// (<see cref="ScreeningPolicies"/>): the policy's detectors run concurrently within its deadline, their verdicts
/// make one (<see cref="VerdictCombiner"/>), and in mode <c>Block</c> an attack is refused as Azure's prompt filter
/// refuses it (<see cref="ContentFilterError"/>), audited without the text. A request whose policy is off returns at
/// once, synchronously, without reading its body or allocating. The result is the refusal, or null; what was found
/// is on <see cref="GatewayRequestFeature.Screening"/> for the edge (the annotation header) and the request log.
/// </summary>
/// <remarks>Realtime sessions are not screened: their pipeline has no step 5 (the prompt arrives as events, later).</remarks>
internal sealed partial class ScreenStep
{
    /// <summary>The audit action of a request refused by screening.</summary>
    public const string AuditAction = "screening.blocked";

    private readonly FrozenDictionary<string, IPromptDetector> _detectors;
    private readonly IPromptDetector[] _defaults;
    private readonly ScreeningMetrics _metrics;
    private readonly FailureAudit _failures;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ScreenStep(IEnumerable<IPromptDetector> detectors, ScreeningMetrics metrics, FailureAudit failures, TimeProvider time, ILogger<ScreenStep> logger)
    {
        // The last registration of a name wins, as DI resolves a single service.
        var byName = new Dictionary<string, IPromptDetector>(StringComparer.OrdinalIgnoreCase);
        foreach (var detector in detectors) byName[detector.Name] = detector;
        _detectors = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _defaults = [.. DetectorNames.Default.Where(_detectors.ContainsKey).Select(n => _detectors[n])];
        _metrics = metrics;
        _failures = failures;
        _time = time;
        _logger = logger;
    }

    public ValueTask<GatewayError?> ScreenAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var policy = feature.Snapshot.Screening.Resolve(feature.Consumer!, feature.Pool!.Deployment.Name);
        if (policy.IsOff || !ScreeningExtractor.Screens(feature.Route.Operation)) return default;
        return ScreenSlowAsync(feature, policy, cancellationToken);
    }

    private async ValueTask<GatewayError?> ScreenSlowAsync(GatewayRequestFeature feature, ScreeningPolicy policy, CancellationToken cancellationToken)
    {
        var input = ScreeningExtractor.Extract(feature.Route.Operation, feature.Body.Span, feature.Parsed, policy.ScreenHistory, policy.ScreenUntrusted);
        var result = input.IsEmpty ? ScreeningResult.Nothing(policy) : await RunAsync(policy, input, cancellationToken).ConfigureAwait(false);
        feature.Screening = result;
        foreach (var verdict in result.Verdicts) _metrics.Verdict(verdict);

        var consumer = feature.Consumer!.Name;
        var deployment = feature.Pool!.Deployment.Name;
        // Under OnDetectorFailure Open a request that no detector judged is let through as clean (Established), but it
        // has no verdict all the same: it is counted and logged like a refused one, or an outage would go unseen.
        if (!result.Established || result.NobodyAnswered)
        {
            var refuse = !result.Established && policy.Mode == ScreeningMode.Block;
            _metrics.Unestablished(policy.Mode, refuse);
            LogUnestablished(_logger, consumer, deployment, policy.Source, result.Failed);
            return refuse ? Unavailable(policy) : null;
        }
        if (!result.AttackDetected) return null;

        var by = result.DecidedBy!;
        var attack = AttackNames.Of(result.Attack);
        LogDetected(_logger, attack, consumer, deployment, policy.Mode, policy.Source, by.Detector, by.Score);
        if (policy.Mode != ScreeningMode.Block) return null;

        _metrics.Blocked(result.Attack);
        // The reason names only the attack kind and the detector, never the text, so repeats aggregate.
        _failures.Record(AuditAction, consumer, feature.ClientAddress, $"{attack} detected by {by.Detector}", deployment);
        return ContentFilterError.For(result.Attack);
    }

    /// <summary>Runs the policy's detectors concurrently until the result is settled or the policy's deadline passes.</summary>
    internal async Task<ScreeningResult> RunAsync(ScreeningPolicy policy, ScreeningInput input, CancellationToken cancellationToken)
    {
        var detectors = Detectors(policy, out var missing);
        var seen = new List<DetectorVerdict>(detectors.Count + (missing?.Count ?? 0));
        if (missing is not null) foreach (var name in missing) seen.Add(DetectorVerdict.Failed(name, TimeSpan.Zero, "not configured"));

        var start = _time.GetTimestamp();
        using var deadline = new CancellationTokenSource(policy.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var pending = new Dictionary<Task<DetectorVerdict>, string>(detectors.Count);
        foreach (var detector in detectors) pending[ScreenOneAsync(detector, input, linked.Token)] = detector.Name;
        var expired = Task.Delay(Timeout.InfiniteTimeSpan, _time, linked.Token);

        var combined = VerdictCombiner.Combine(policy.Combine, policy.OnDetectorFailure, seen, pending.Count);
        try
        {
            while (!combined.Decided)
            {
                var done = await Task.WhenAny([.. pending.Keys, expired]).ConfigureAwait(false);
                if (done == expired)
                {
                    // The client went away: that is no detector's failure, and nobody waits for the verdict.
                    cancellationToken.ThrowIfCancellationRequested();
                    // Whoever has not answered by the deadline did not answer.
                    var elapsed = _time.GetElapsedTime(start);
                    foreach (var (task, name) in pending)
                        seen.Add(task.IsCompletedSuccessfully ? task.Result : DetectorVerdict.Failed(name, elapsed, "timed out"));
                    pending.Clear();
                }
                else
                {
                    var answered = (Task<DetectorVerdict>)done;
                    pending.Remove(answered);
                    seen.Add(await answered.ConfigureAwait(false));
                }
                combined = VerdictCombiner.Combine(policy.Combine, policy.OnDetectorFailure, seen, pending.Count);
            }
        }
        finally
        {
            // The rest are not waited for: a settled result stops them.
            await linked.CancelAsync().ConfigureAwait(false);
        }
        return new ScreeningResult(policy, seen, combined.Attack, combined.By, combined.Established);
    }

    /// <summary>The policy's detectors the gateway has (in order), and the names it does not have.</summary>
    private List<IPromptDetector> Detectors(ScreeningPolicy policy, out List<string>? missing)
    {
        missing = null;
        if (policy.Detectors is null) return [.. _defaults];
        var list = new List<IPromptDetector>(policy.Detectors.Count);
        foreach (var name in policy.Detectors)
        {
            if (_detectors.TryGetValue(name, out var detector)) list.Add(detector);
            else (missing ??= []).Add(name);
        }
        return list;
    }

    /// <summary>One detector's verdict; a detector that throws or is cancelled did not answer.</summary>
    private async Task<DetectorVerdict> ScreenOneAsync(IPromptDetector detector, ScreeningInput input, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        try
        {
            return await detector.ScreenAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return DetectorVerdict.Failed(detector.Name, _time.GetElapsedTime(start), "timed out");
        }
        catch (Exception ex)
        {
            LogDetectorFailed(_logger, ex, detector.Name);
            return DetectorVerdict.Failed(detector.Name, _time.GetElapsedTime(start), ex.GetType().Name);
        }
    }

    private static GatewayError Unavailable(ScreeningPolicy policy)
    {
        var retry = policy.Timeout < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : policy.Timeout;
        return new GatewayError(503, "ScreeningUnavailable", string.Create(CultureInfo.InvariantCulture,
            $"The gateway could not screen this request: its screening policy needs a verdict and the detectors did not give one in time. Please retry after {GatewayError.RetrySeconds(retry)} seconds."),
            RetryAfter: retry);
    }

    [LoggerMessage(2401, LogLevel.Information,
        "Screening found {Attack} in a request of {Consumer} on {Deployment} (mode {Mode}, policy {Policy}): detector {Detector}, score {Score}")]
    private static partial void LogDetected(ILogger logger, string attack, string consumer, string deployment, ScreeningMode mode, string policy, string detector, double score);

    [LoggerMessage(2402, LogLevel.Warning,
        "Screening could not establish a verdict for a request of {Consumer} on {Deployment} (policy {Policy}): {Failed} detector(s) did not answer")]
    private static partial void LogUnestablished(ILogger logger, string consumer, string deployment, string policy, int failed);

    [LoggerMessage(2403, LogLevel.Warning, "Detector {Detector} failed")]
    private static partial void LogDetectorFailed(ILogger logger, Exception exception, string detector);
}
