using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Affinity;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Priority;
using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Proxy;

/// <summary>
/// Step 7, the forwarding loop: pick a backend with the pool's policy, send, classify the outcome; on 429, 5xx,
/// timeout or connection failure try the next backend at once, within the attempt budget and the deadline. Once a
/// response is being relayed there is no failover.
/// </summary>
/// <remarks>
/// Failures are attributed before they touch a backend's health. A 429, a timeout, a connection failure or a
/// 401/403/404 is evidence about the backend and is reported at once. A server error (5xx, 408) may be the request's
/// own doing, so the first one is held: if the request then fails with a server error on a second backend, the
/// request is to blame, the client gets that answer, and neither backend's health is touched; anything else the
/// request meets afterwards blames the first backend.
/// </remarks>
/// <remarks>
/// A request pinned to one backend (it acts on, or continues, a stored response that lives there) tries that backend
/// only: when it rests, the consumer gets 429 or 503 with the time it is back, never another backend that would not
/// know the response.
/// </remarks>
/// <remarks>
/// Headroom: a request uses a provisioned backend only below its priority class's utilization threshold in the pool.
/// A class that spills (and the highest class) then takes pay-as-you-go, or the provisioned backend anyway when nothing
/// else is left; a class that waits uses neither: in a pool with provisioned backends it waits for room on them. A request that may wait (<see cref="GatewayRequestFeature.WaitUntil"/>)
/// and finds no backend for its class waits in the <see cref="WaitQueue"/> and retries when woken; its deadline
/// passed, it gets the answer it would have got at once. A class whose threshold is the pool's spillover threshold and
/// that may not wait takes exactly the path it took before classes had thresholds.
/// </remarks>
internal sealed partial class Forwarder(
    OutboundHttpClient client, IBackendHealth health, ResponseAffinity affinity, TimeProvider time, Random random, GatewayMetrics metrics, WaitQueue queue,
    ILogger<Forwarder> logger, Screening.ScreeningMetrics? screening = null, IOptions<TelemetryOptions>? telemetry = null)
{
    /// <summary>The response header with the gateway's own time (<see cref="TelemetryOptions.OverheadHeader"/>).</summary>
    public const string OverheadHeader = "x-tokengate-overhead-ms";

    private readonly bool _overheadHeader = telemetry?.Value.OverheadHeader ?? false;

    /// <summary>Forwards the admitted request and writes its answer (or the gateway's error) to <paramref name="response"/>.</summary>
    public async Task ForwardAsync(GatewayRequestFeature feature, IResponseSink response)
    {
        var pool = feature.Pool!;
        var options = feature.Snapshot.Forwarding;
        var deadline = time.GetUtcNow() + options.Deadline - time.GetElapsedTime(feature.StartTimestamp);
        var last = AttemptOutcome.None;
        var tried = Unservable(pool, feature);
        var estimate = feature.Admission?.EstimatedTokens ?? 0;
        HeldFailure? held = null;
        var cannotServe = tried;
        var priority = feature.Priority;
        var limit = pool.UtilizationLimitBasisPoints(priority);
        // A batch line past its pay-as-you-go point may use any backend, whatever its class would do.
        var fallsBack = feature.BatchLine is { ProvisionedOnly: false } || (priority?.FallsBackToProvisioned ?? true);
        // A class that waits does so for provisioned capacity rather than pay for pay-as-you-go.
        var provisionedOnly = !fallsBack && pool.HasProvisioned;
        var view = limit == pool.SpilloverBasisPoints && !provisionedOnly ? health : health.WithUtilizationLimit(limit, provisionedOnly);
        // A dedicated pool that overflows: once it has no backend left to try, the shared pool's backends are next
        // (a pinned request stays where its stored response lives).
        var overflow = feature.PinnedBackend is null && pool.Dedication is { Overflow: true } dedication ? dedication : null;

        try
        {
            while (feature.Outcome.Attempts < options.MaxAttempts)
            {
                var backend = feature.PinnedBackend is { } pinned
                    ? (tried & (1UL << pinned.Index)) == 0 && health.Pinned.IsAvailable(pinned, pool) ? pinned : null
                    : Select(pool, view, fallsBack, tried, estimate);
                if (backend is null && feature.PinnedBackend is null && feature.WaitUntil is not null && overflow is null)
                {
                    // Nothing has room for this class now: wait for it rather than refuse. A held server error has no
                    // second backend to judge it now, so it is the first backend's, as when the loop ends.
                    Blame(ref held);
                    var waitStarted = time.GetTimestamp();
                    var (chosen, outcome) = await WaitForBackendAsync(feature, pool, view, fallsBack, cannotServe, estimate, response.Aborted).ConfigureAwait(false);
                    deadline += time.GetElapsedTime(waitStarted);
                    feature.WaitUntil = null;  // one wait per request
                    if (outcome == WaitOutcome.Abandoned) return;  // nobody is left to answer
                    if (chosen is null)
                    {
                        await Refusal(feature, pool, view, fallsBack, cannotServe, last, deadline).WriteAsync(response).ConfigureAwait(false);
                        return;
                    }
                    backend = chosen;
                    tried = cannotServe;
                }
                if (backend is null)
                {
                    if (overflow is null) break;
                    // Nothing was relayed yet: go on in the shared pool, at the overflow class, within the same attempt budget.
                    metrics.PoolOverflowed(pool, overflow.Shared);
                    LogOverflowed(logger, pool.Name, overflow.Shared.Name, overflow.OverflowPriority.Name);
                    if (feature.Priority is null || feature.Priority.Rank < overflow.OverflowPriority.Rank) feature.Priority = overflow.OverflowPriority;
                    pool = overflow.Shared;
                    overflow = null;
                    tried = cannotServe = Unservable(pool, feature);
                    priority = feature.Priority;
                    limit = pool.UtilizationLimitBasisPoints(priority);
                    fallsBack = feature.BatchLine is { ProvisionedOnly: false } || priority.FallsBackToProvisioned;
                    provisionedOnly = !fallsBack && pool.HasProvisioned;
                    view = limit == pool.SpilloverBasisPoints && !provisionedOnly ? health : health.WithUtilizationLimit(limit, provisionedOnly);
                    continue;
                }
                tried |= 1UL << backend.Index;
                if (!health.TryBeginAttempt(backend)) continue;

                var remaining = deadline - time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    health.ReportAbandoned(backend);
                    last = AttemptOutcome.TimedOut;
                    break;
                }

                feature.Outcome.Attempts++;
                feature.Outcome.Backend = backend;
                feature.Outcome.Pool = pool;
                var verdict = false;
                try
                {
                    var result = await AttemptAsync(response, feature, backend, options, remaining, held).ConfigureAwait(false);
                    verdict = true;
                    last = result.Outcome;
                    switch (result.Outcome)
                    {
                        case AttemptOutcome.Answered:
                            held = null;  // blamed before the answer was relayed
                            return;
                        case AttemptOutcome.RequestFailed:
                            health.ReportDisputed(held!.Value.Backend);
                            held = null;
                            return;
                        case AttemptOutcome.ServerError:
                            held = new HeldFailure(backend, result.RestUntil);
                            break;
                        default:
                            Blame(ref held);
                            break;
                    }
                }
                finally
                {
                    // The consumer left or something threw: a half-open probe must not stay claimed forever.
                    if (!verdict) health.ReportAbandoned(backend);
                }
            }

            Blame(ref held);
            await Refusal(feature, pool, view, fallsBack, cannotServe, last, deadline).WriteAsync(response).ConfigureAwait(false);
        }
        finally
        {
            if (held is { } unresolved) health.ReportAbandoned(unresolved.Backend);
        }
    }

    /// <summary>The class's pick: a backend below the class's threshold, else (for a class that falls back) any available one.</summary>
    private Backend? Select(Pool pool, IBackendAvailability view, bool fallsBack, ulong tried, long estimate) =>
        pool.Policy.Select(pool, view, tried, estimate, random) ?? (fallsBack ? pool.Policy.Select(pool, health.IgnoringSpillover, tried, estimate, random) : null);

    /// <summary>Waits in the pool's queue; each wake retries the class's pick (every backend may be tried again after a wait).</summary>
    private async Task<(Backend? Backend, WaitOutcome Outcome)> WaitForBackendAsync(
        GatewayRequestFeature feature, Pool pool, IBackendAvailability view, bool fallsBack, ulong cannotServe, long estimate, CancellationToken aborted)
    {
        Backend? chosen = null;
        var outcome = await queue.WaitAsync(pool.Name, feature.Priority!, feature.Consumer!.Name, feature.WaitUntil!.Value, () =>
        {
            chosen = Select(pool, view, fallsBack, cannotServe, estimate);
            return ValueTask.FromResult(chosen is not null);
        }, aborted).ConfigureAwait(false);
        if (outcome != WaitOutcome.Served) LogWaitEnded(logger, pool.Name, feature.Priority!.Name, TelemetryTags.WaitOutcomeName(outcome));
        return (outcome == WaitOutcome.Served ? chosen : null, outcome);
    }

    /// <summary>
    /// The answer when no backend produced one: a class that does not fall back and finds the provisioned backend
    /// below its own limit but above its class's threshold is told the capacity is reserved (429); otherwise as
    /// <see cref="Exhausted"/>.
    /// </summary>
    private GatewayError Refusal(GatewayRequestFeature feature, Pool pool, IBackendAvailability view, bool fallsBack, ulong cannotServe, AttemptOutcome last, DateTimeOffset deadline)
    {
        var now = time.GetUtcNow();
        if (!fallsBack && feature.PinnedBackend is null && last != AttemptOutcome.TimedOut && now < deadline
            && pool.Policy.Select(pool, view, cannotServe, 0, random) is null && pool.Policy.Select(pool, health.IgnoringSpillover, cannotServe, 0, random) is not null)
        {
            return PriorityErrors.CapacityReserved(pool.Name, feature.Priority!.Name, PriorityErrors.RetryAfter);
        }
        return Exhausted(feature, last, deadline, health, now, ReferenceEquals(pool, feature.Pool) ? null : pool);
    }

    /// <summary>
    /// Backends of <paramref name="pool"/> the request may never go to, as tried bits: those whose protocol lacks the
    /// operation (a mixed pool), and pay-as-you-go ones for a batch line that may only fill provisioned capacity.
    /// </summary>
    private static ulong Unservable(Pool pool, GatewayRequestFeature feature)
    {
        var provisionedOnly = feature.BatchLine is { ProvisionedOnly: true };
        ulong mask = 0;
        for (var i = 0; i < pool.Backends.Count; i++)
        {
            var backend = pool.Backends[i];
            if (!backend.CanServe(feature.Route.Operation) || (provisionedOnly && backend.Type != BackendType.Provisioned)) mask |= 1UL << i;
        }
        return mask;
    }

    /// <summary>One attempt on one backend; reports what it proves to the health state and relays an answer.</summary>
    private async Task<AttemptResult> AttemptAsync(IResponseSink sink, GatewayRequestFeature feature, Backend backend, ForwardingOptions options, TimeSpan remaining, HeldFailure? held)
    {
        var aborted = sink.Aborted;
        var pool = feature.Outcome.Pool!;
        using var span = metrics.StartAttempt(backend, pool, feature.Outcome.Attempts);
        HttpResponseMessage response;
        using (var attemptTimeout = new CancellationTokenSource(Min(options.AttemptTimeout, remaining), time))
        using (aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attemptTimeout))
        {
            try
            {
                using var request = UpstreamRequestFactory.Create(feature, backend);
                await backend.Credential.ApplyAsync(request, attemptTimeout.Token).ConfigureAwait(false);
                health.ReportSent(backend, feature.Admission?.EstimatedTokens ?? 0);
                var sent = time.GetTimestamp();
                try
                {
                    response = await client.SendAsync(request, attemptTimeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    feature.Outcome.BackendWaitTicks += time.GetTimestamp() - sent;
                }
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                metrics.AttemptFailed(span, backend, pool, AttemptOutcome.TimedOut, 0, options.DefaultCooldown);
                LogAttemptFailed(logger, backend.Name, pool.Name, nameof(AttemptOutcome.TimedOut), 0);
                return new AttemptResult(AttemptOutcome.TimedOut);
            }
            catch (HttpRequestException ex)
            {
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                metrics.AttemptFailed(span, backend, pool, AttemptOutcome.ConnectionFailed, 0, options.DefaultCooldown);
                LogAttemptFailed(logger, backend.Name, pool.Name, ex.HttpRequestError.ToString(), 0);
                return new AttemptResult(AttemptOutcome.ConnectionFailed);
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (RetryAfter.Utilization(response.Headers) is { } utilization) health.ReportUtilization(backend, utilization);
            health.ReportQuota(backend, RateLimitHeaders.ReadBackendQuota(response.Headers));

            var outcome = Classify(status, feature.Route.Operation);
            if (outcome == AttemptOutcome.ServerError && held is not null)
            {
                // A second backend failed the same request: the request is the cause. It gets this answer, and neither
                // backend is blamed (a probe this attempt held is released).
                health.ReportDisputed(backend);
                metrics.AttemptFailed(span, backend, pool, AttemptOutcome.RequestFailed, status, TimeSpan.Zero, response.Headers);
                LogRequestFailedTwice(logger, pool.Name, held.Value.Backend.Name, backend.Name, status);
                await RelayAsync(sink, feature, backend, response).ConfigureAwait(false);
                return new AttemptResult(AttemptOutcome.RequestFailed);
            }

            if (outcome != AttemptOutcome.Answered)
            {
                var now = time.GetUtcNow();
                var named = RetryAfter.From(response.Headers, now);
                TimeSpan? rest = outcome == AttemptOutcome.ServerError ? named : named ?? options.DefaultCooldown;
                if (rest > options.MaxCooldown) rest = options.MaxCooldown;
                if (outcome == AttemptOutcome.Throttled) health.ReportThrottled(backend, now + rest!.Value);
                else if (outcome == AttemptOutcome.Failed) health.ReportFailure(backend, now + rest!.Value);
                metrics.AttemptFailed(span, backend, pool, outcome, status, rest ?? TimeSpan.Zero, response.Headers);
                LogAttemptFailed(logger, backend.Name, pool.Name, outcome.ToString(), status);
                return new AttemptResult(outcome, now + rest);
            }

            // The request works: a server error it met before was the other backend's.
            if (held is not null) Blame(ref held);
            health.ReportSuccess(backend);
            queue.Wake(pool.Name);  // a fresh reading, and a backend that answers: waiters may find room
            metrics.AttemptAnswered(span, backend, pool, status, response.Headers);
            await RelayAsync(sink, feature, backend, response).ConfigureAwait(false);
            return new AttemptResult(AttemptOutcome.Answered);
        }
    }

    private async Task RelayAsync(IResponseSink sink, GatewayRequestFeature feature, Backend backend, HttpResponseMessage response)
    {
        feature.Outcome.ResponseStartTimestamp = time.GetTimestamp();
        ResponseRelay.CopyStatusAndHeaders(response, sink);
        RateLimitHeaders.Apply(sink.Headers, feature.Admission);
        if (_overheadHeader)
        {
            var overhead = time.GetElapsedTime(feature.StartTimestamp, feature.Outcome.ResponseStartTimestamp) - time.GetElapsedTime(0, feature.Outcome.BackendWaitTicks);
            sink.Headers[OverheadHeader] = Math.Max(0, overhead.TotalMilliseconds).ToString("F3", CultureInfo.InvariantCulture);
        }
        var operation = feature.Route.Operation;
        // A response the backend stores (the default) is recorded before the consumer can name it in a follow-up.
        var records = operation.Affinity == AffinityRole.Creates && feature.Parsed.Store != false && response.IsSuccessStatusCode;
        if (ResponseRelay.IsEventStream(response))
        {
            feature.Outcome.StreamTap = StreamTap.For(operation, feature.Admission?.StripUsageChunk ?? false);
            if (!await ResponseRelay.RelayEventsAsync(sink, response, feature.Outcome.StreamTap, time, records ? RecordsAnnounced(feature, backend) : null).ConfigureAwait(false))
                LogStreamBroken(logger, backend.Name, feature.Outcome.Pool!.Name);
            feature.Outcome.AzureAnnotations = feature.Outcome.StreamTap.AzureAnnotations;
            if (feature.Outcome.AzureAnnotations != Screening.AzurePromptAnnotations.None) screening?.AzureAnnotated(feature.Outcome.AzureAnnotations, "stream");
        }
        else
        {
            (feature.Outcome.ReportedUsage, feature.Outcome.AzureAnnotations) = await ResponseRelay.RelayBodyAsync(sink, response, records ? RecordsFromBody(feature, backend) : null,
                countImages: operation.Measures == MeasuredUsage.Images).ConfigureAwait(false);
            if (feature.Outcome.AzureAnnotations != Screening.AzurePromptAnnotations.None)
                screening?.AzureAnnotated(feature.Outcome.AzureAnnotations, response.IsSuccessStatusCode ? "body" : "error");
        }
    }

    // The callbacks are made only for requests that record an id, so other requests allocate no closure.
    private Func<string, ValueTask> RecordsAnnounced(GatewayRequestFeature feature, Backend backend) =>
        id => RecordCreatedAsync(feature, backend, id);

    private Func<ReadOnlyMemory<byte>, ValueTask> RecordsFromBody(GatewayRequestFeature feature, Backend backend) =>
        body => ResponsesStreamTap.ReadId(body.Span) is { } id ? RecordCreatedAsync(feature, backend, id) : ValueTask.CompletedTask;

    private ValueTask RecordCreatedAsync(GatewayRequestFeature feature, Backend backend, string id)
    {
        feature.Outcome.CreatedId = id;
        return affinity.RecordAsync(feature, backend, id);
    }

    /// <summary>The held server error is the backend's: it counts toward the breaker (and rests it if it named a Retry-After).</summary>
    private void Blame(ref HeldFailure? held)
    {
        if (held is not { } failure) return;
        held = null;
        health.ReportFailure(failure.Backend, failure.RestUntil);
    }

    /// <summary>
    /// The answer when no backend produced a response to relay (or, for a realtime session, accepted the handshake).
    /// A request that overflowed to <paramref name="overflowedTo"/> waits for whichever pool is back first.
    /// </summary>
    internal static GatewayError Exhausted(GatewayRequestFeature feature, AttemptOutcome last, DateTimeOffset deadline, IBackendHealth health, DateTimeOffset now,
        Pool? overflowedTo = null)
    {
        var pool = feature.Pool!;
        if (last == AttemptOutcome.TimedOut || now >= deadline) return GatewayError.Timeout(pool.Name);

        if (feature.PinnedBackend is { } pinned)
        {
            // Only one backend could serve it: when that one is back is all that matters.
            var back = PoolRecovery.Earliest([pinned], health.Describe, now);
            var rest = back.At - now;
            return AffinityErrors.PinnedBackendUnavailable(pool.Name, rest > TimeSpan.Zero ? rest : TimeSpan.FromSeconds(1), back.Throttled);
        }

        var recovery = health.EarliestRecovery(pool);
        if (overflowedTo is not null && health.EarliestRecovery(overflowedTo) is var shared && shared.At < recovery.At) recovery = shared;
        var wait = recovery.At - now;
        if (wait > TimeSpan.Zero)
        {
            // Every backend is resting: tell the consumer exactly when the first one is back, and whether it waits
            // for throttling (429) or for backends that failed (503).
            return recovery.Throttled
                ? GatewayError.AllBackendsThrottled(pool.Name, wait)
                : GatewayError.BackendsUnavailable(pool.Name, wait);
        }

        // Attempts ran out on failures, or the only candidates are momentarily held (a half-open probe in flight).
        return last == AttemptOutcome.None
            ? GatewayError.BackendsUnavailable(pool.Name, TimeSpan.FromSeconds(1))
            : GatewayError.BadGateway(pool.Name);
    }

    private static AttemptOutcome Classify(int status, OperationDescriptor operation) => status switch
    {
        429 => AttemptOutcome.Throttled,
        408 or >= 500 => AttemptOutcome.ServerError,
        // The backend's own key, role or deployment is wrong: another backend may be configured correctly.
        401 or 403 => AttemptOutcome.Failed,
        // A deployment the backend lacks, for an operation on the deployment itself. On a path with an id (a stored
        // response gone) or a pass-through path (a route the service lacks), 404 is the answer to this request.
        404 when operation.Upstream!.RouteValue is null => AttemptOutcome.Failed,
        _ => AttemptOutcome.Answered,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A server error waiting to be attributed, with the rest its response named.</summary>
    private readonly record struct HeldFailure(Backend Backend, DateTimeOffset? RestUntil);

    private readonly record struct AttemptResult(AttemptOutcome Outcome, DateTimeOffset? RestUntil = null);

    [LoggerMessage(1, LogLevel.Information, "Backend {Backend} of pool {Pool} failed an attempt: {Outcome} {Status}; trying the next")]
    private static partial void LogAttemptFailed(ILogger logger, string backend, string pool, string outcome, int status);

    [LoggerMessage(2, LogLevel.Warning, "Stream from backend {Backend} of pool {Pool} broke; the consumer got an error event")]
    private static partial void LogStreamBroken(ILogger logger, string backend, string pool);

    [LoggerMessage(4, LogLevel.Information, "A request of class {Priority} to pool {Pool} left the wait queue without a backend: {Outcome}")]
    private static partial void LogWaitEnded(ILogger logger, string pool, string priority, string outcome);

    [LoggerMessage(5, LogLevel.Information, "Dedicated pool {Pool} has no backend left for a request: it overflows to the shared pool {SharedPool} at priority {Priority}")]
    private static partial void LogOverflowed(ILogger logger, string pool, string sharedPool, string priority);

    [LoggerMessage(3, LogLevel.Information, "A request to pool {Pool} failed with a server error on {FirstBackend} and then {Status} on {SecondBackend}: answered, backends' health unchanged")]
    private static partial void LogRequestFailedTwice(ILogger logger, string pool, string firstBackend, string secondBackend, int status);
}
