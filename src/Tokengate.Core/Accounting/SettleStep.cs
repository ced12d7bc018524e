using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tokengate.Affinity;
using Tokengate.Hosting;
using Tokengate.Limits;
using Tokengate.Media;
using Tokengate.Routing;
using Tokengate.Tokens;

namespace Tokengate.Accounting;

/// <summary>
/// Step 8, around steps 6 and 7: once the response is complete, takes the usage (the backend's report, or the
/// gateway's own count when a stream broke before its usage chunk), prices it, corrects the reservation to it (or
/// releases it when no model answered), settles the budgets and the serving backend's per-minute count, and queues
/// the request's <see cref="UsageRecord"/>. Nothing here writes to the database.
/// </summary>
internal sealed partial class SettleStep(
    ILimitStore limits, IBudgetStore budgets, IBackendHealth health, UsageLedger ledger, TokenCounter counter, ResponseAffinity affinity,
    TimeProvider time, ILogger<SettleStep> logger, Priority.WaitQueue? queue = null)
{
    /// <summary>
    /// Settles a finished request that was answered with <paramref name="status"/>: usage, cost, the reservation and
    /// budget holds corrected, the backend's per-minute count, and the ledger record queued.
    /// </summary>
    public async Task SettleAsync(GatewayRequestFeature feature, int status)
    {
        var admission = feature.Admission;
        var usage = Usage(feature, admission, status);
        if (usage.Source != UsageSource.None && feature.Route.Operation.Usage == Operations.UsageShape.Responses)
            await RecordChainAsync(feature, usage).ConfigureAwait(false);
        // The pool that served: a dedicated pool's request may have overflowed to the shared pool.
        var served = feature.Outcome.Pool ?? feature.Pool;
        var model = feature.Outcome.Backend?.Model ?? served?.Backends[0].Model;
        // Priced at the tier that served it, as the answer says: a priority request downgraded to default costs 1×.
        var servedTier = feature.Outcome.ServedServiceTier;
        var accounting = feature.Snapshot.Options.Accounting;
        var cost = PriceTable.For(served?.Name, model, accounting).Cost(usage) * accounting.ServiceTierMultiplier(servedTier);
        // Batch work is priced as the service prices batches (a share of the standard price).
        if (feature.BatchLine is not null) cost *= feature.Snapshot.Options.Batches.PriceMultiplier;

        if (admission is not null)
        {
            if (admission.Reservation is { } reservation)
            {
                if (usage.Source == UsageSource.None) await limits.ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
                else await limits.SettleAsync(reservation, usage.TotalTokens, CancellationToken.None).ConfigureAwait(false);
            }
            await budgets.SettleAsync(admission.Budget, cost, usage.TotalTokens, CancellationToken.None).ConfigureAwait(false);
            if (feature.Outcome.Backend is { } backend && usage.Source != UsageSource.None)
                health.ReportSettled(backend, admission.EstimatedTokens, usage.TotalTokens);
            // A reservation released or corrected, a backend's count settled: a waiter may fit now.
            queue?.WakeAll();
        }

        // Requests refused before admission (bad key, unknown deployment) have no consumer or pool to record.
        if (feature.Consumer is not { } consumer || feature.Pool is not { } pool) return;
        var record = new UsageRecord(
            time.GetUtcNow(),
            consumer.Name,
            consumer.Group,
            pool.Deployment.Name,
            feature.Outcome.Backend?.Name,
            model,
            usage.PromptTokens,
            usage.CachedTokens,
            usage.CompletionTokens,
            cost,
            status,
            time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
            TimeToFirstToken(feature),
            feature.Parsed.Stream,
            usage.Source,
            Priority: feature.Priority?.Name,
            Operation: feature.Route.Operation,
            Rejected: feature.Route.Operation.Metered && admission is null && status == StatusCodes.Status429TooManyRequests)
        {
            Media = usage.Media,
            OperationName = feature.Route.Operation.Name,
            ServiceTier = servedTier,
            SentServiceTier = feature.Outcome.SentServiceTier,
            Pool = (served ?? pool).Name,
            MaxOutputTokens = admission?.LedgerMaxOutputTokens,
            Screening = ScreeningVerdict(feature.Screening),
            ScreenedOut = feature.ScreenedOut,
            Id = feature.RequestId,
            OverheadMs = OverheadMs(feature),
        };
        if (feature.BatchLine is { } line)
        {
            // The batch runner writes the row with the line's result, in one transaction: one row per line, however
            // often the line is run.
            line.Record = record with { BatchId = line.BatchId, Id = line.RecordId };
            return;
        }
        try
        {
            await ledger.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            LogLedgerClosed(logger, consumer.Name);
        }
    }

    /// <summary>The verdict as the annotation header names it (<see cref="Screening.ScreenMiddleware.HeaderValue"/>, without the detail); null when not screened.</summary>
    private static string? ScreeningVerdict(Screening.ScreeningResult? result) => result switch
    {
        null => null,
        { Established: false } or { NobodyAnswered: true } => "unavailable",
        { AttackDetected: true } => Screening.AttackNames.Of(result.Attack),
        _ => Screening.AttackNames.None,
    };

    /// <summary>
    /// The gateway's own time: all of the request's time so far, less the waits on backends for their response headers
    /// and, for a stream, for its first byte. Null when no backend's answer was relayed.
    /// </summary>
    private double? OverheadMs(GatewayRequestFeature feature)
    {
        if (feature.Outcome.ResponseStartTimestamp == 0) return null;
        var waited = feature.Outcome.BackendWaitTicks + (feature.Outcome.StreamTap?.FirstByteWaitTicks ?? 0);
        var overhead = time.GetElapsedTime(feature.StartTimestamp) - time.GetElapsedTime(0, waited);
        return Math.Max(0, overhead.TotalMilliseconds);
    }

    /// <summary>
    /// Streams: until the first event reached the consumer (response headers come before any token); other responses:
    /// until the headers. Null when nothing was relayed.
    /// </summary>
    private double? TimeToFirstToken(GatewayRequestFeature feature)
    {
        var first = feature.Outcome.StreamTap is { } tap ? tap.FirstEventTimestamp : feature.Outcome.ResponseStartTimestamp;
        return first == 0 ? null : time.GetElapsedTime(feature.StartTimestamp, first).TotalMilliseconds;
    }

    /// <summary>
    /// A stored response's usage is the size of the chain a later turn continues. A background response has none when
    /// it is created; its usage is metered once, by the first lifecycle call that sees it finished.
    /// </summary>
    private async ValueTask RecordChainAsync(GatewayRequestFeature feature, UsageCounts usage)
    {
        if ((feature.Outcome.CreatedId ?? feature.StoredId) is { } id) await affinity.SetChainTokensAsync(id, usage.TotalTokens).ConfigureAwait(false);
    }

    private UsageCounts Usage(GatewayRequestFeature feature, AdmissionState? admission, int status)
    {
        var operation = feature.Route.Operation;
        if (!operation.Metered)
        {
            // A lifecycle call meters nothing, except the first sight of a finished background response's usage.
            var first = operation.Affinity == Operations.AffinityRole.ActsOnStored && feature.StoredChainTokens == 0
                && feature.Outcome.Usage is not null && affinity.TryClaimMetering(feature.StoredId!);
            return first ? feature.Outcome.Usage!.Value : default;
        }
        // A background response reports its usage when it finishes, through a later call (above).
        if (operation.Affinity == Operations.AffinityRole.Creates && feature.Parsed.Background) return default;
        if (feature.Outcome.ResponseStartTimestamp == 0) return default;
        if (feature.Outcome.ReportedUsage is { } reported) return Completed(operation, feature, reported);
        if (feature.Outcome.StreamTap?.Usage is { } streamed) return Completed(operation, feature, streamed);
        if (status >= 400 || admission is null) return default;
        if (operation.Measures != Operations.MeasuredUsage.None) return MediaRequests.Measure(feature, null);

        // A model answered but said nothing about usage (a stream cut before its usage chunk, or an unreadable body):
        // count the prompt and whatever completion text reached the consumer.
        var prompt = admission.Prompt.Exact ? admission.Prompt.Tokens : counter.Count(feature, admission.Profile);
        var completion = feature.Outcome.StreamTap is { } tap ? counter.CountText(tap.CompletionText, admission.Profile.Encoding) : 0;
        return new UsageCounts(prompt, 0, completion, UsageSource.Counted);
    }

    /// <summary>
    /// A media model's report, completed: images the answer listed without usage (dall-e-3) are measured; a token
    /// report keeps its tokens, each assigned its modality (<see cref="MediaRequests.Complete"/>).
    /// </summary>
    private static UsageCounts Completed(Operations.OperationDescriptor operation, GatewayRequestFeature feature, UsageCounts usage)
    {
        if (operation.Measures == Operations.MeasuredUsage.None) return usage;
        return usage.Source == UsageSource.Measured ? MediaRequests.Measure(feature, usage) : MediaRequests.Complete(feature, usage);
    }

    [LoggerMessage(1, LogLevel.Error, "A request of {Consumer} finished after the usage ledger closed; its record is lost")]
    private static partial void LogLedgerClosed(ILogger logger, string consumer);
}
