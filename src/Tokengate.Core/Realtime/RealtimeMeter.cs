using System.Threading.Channels;
using Tokengate.Accounting;
using Tokengate.Hosting;
using Tokengate.Limits;
using Tokengate.Operations;
using Tokengate.Routing;

namespace Tokengate.Realtime;

/// <summary>
/// A session's accounting, settled event by event as the session goes: each <c>response.done</c> (and input
/// transcription) is priced, settled in the budgets, charged to the consumer's token counters (one request each in
/// the request window) and the backend's per-minute count, and recorded in the ledger as one row. After each settle
/// the budgets are asked again, so the session learns at once when a blocking budget is spent. Used by the session's
/// upstream reader only, one event at a time.
/// </summary>
internal sealed class RealtimeMeter
{
    private readonly GatewayRequestFeature _feature;
    private readonly LimitReservation? _session;
    private readonly List<LimitScope> _charged;
    private readonly ILimitStore _limits;
    private readonly IBudgetStore _budgets;
    private readonly IBackendHealth _health;
    private readonly UsageLedger _ledger;
    private readonly TimeProvider _time;
    private BudgetAdmission _budget;
    private bool _closed;

    public RealtimeMeter(GatewayRequestFeature feature, BudgetAdmission budget, LimitReservation? session, List<LimitScope> scopes,
        ILimitStore limits, IBudgetStore budgets, IBackendHealth health, UsageLedger ledger, TimeProvider time)
    {
        _feature = feature;
        _budget = budget;
        _session = session;
        // A response's tokens are charged whatever the window holds (the model has already answered): the scopes'
        // counters without their limits.
        _charged = scopes.ConvertAll(s => s with { TokensPerMinute = null, RequestsPerMinute = null, ConcurrentRequests = null });
        _limits = limits;
        _budgets = budgets;
        _health = health;
        _ledger = ledger;
        _time = time;
    }

    /// <summary>Everything settled so far (for the request log and the request's span).</summary>
    public UsageCounts Total { get; private set; }

    /// <summary>Responses and transcriptions settled so far.</summary>
    public int Settled { get; private set; }

    /// <summary>
    /// Settles one reported usage, priced with <paramref name="price"/>, and records it under <paramref name="model"/>.
    /// Returns the consumer's blocking budget that is now spent, if any: the session must end.
    /// </summary>
    public async ValueTask<BudgetState?> SettleAsync(UsageCounts usage, ModelPrice price, string? model, double latencyMs, double? firstTokenMs)
    {
        var cost = price.Cost(usage);
        var tokens = usage.TotalTokens;
        var backend = _feature.Outcome.Backend!;
        await _budgets.SettleAsync(_budget, cost, tokens, CancellationToken.None).ConfigureAwait(false);
        _budget = BudgetAdmission.None;
        if (_charged.Count > 0 && tokens > 0)
        {
            var charge = await _limits.TryReserveAsync(_charged, tokens, CancellationToken.None).ConfigureAwait(false);
            if (charge.Reservation is { } reservation) await _limits.SettleAsync(reservation, tokens, CancellationToken.None).ConfigureAwait(false);
        }
        _health.ReportSettled(backend, 0, tokens);

        await AppendAsync(_ledger, Record(_feature, _time, 200, usage, cost, model, backend, rejected: false, latencyMs, firstTokenMs)).ConfigureAwait(false);
        Total = new UsageCounts(Total.PromptTokens + usage.PromptTokens, Total.CachedTokens + usage.CachedTokens,
            Total.CompletionTokens + usage.CompletionTokens, UsageSource.Reported);
        Settled++;

        var options = _feature.Snapshot.Options;
        var next = await _budgets.AdmitAsync(_feature.Consumer!, options.Budgets, 0m, 0, CancellationToken.None).ConfigureAwait(false);
        if (next.Blocking is { } spent) return spent;
        _budget = next;
        return null;
    }

    /// <summary>The session ended: its budget check is settled and its concurrency slot given back. Idempotent.</summary>
    public async ValueTask CloseAsync()
    {
        if (_closed) return;
        _closed = true;
        await _budgets.SettleAsync(_budget, 0, 0, CancellationToken.None).ConfigureAwait(false);
        _budget = BudgetAdmission.None;
        if (_session is { } session) await _limits.SettleAsync(session, 0, CancellationToken.None).ConfigureAwait(false);
    }

    public static UsageRecord Record(GatewayRequestFeature feature, TimeProvider time, int status, UsageCounts usage, decimal cost, string? model, Backend? backend,
        bool rejected, double? latencyMs = null, double? firstTokenMs = null) =>
        new(
            time.GetUtcNow(),
            feature.Consumer!.Name,
            feature.Consumer.Group,
            feature.Pool!.Deployment.Name,
            backend?.Name,
            model ?? backend?.Model,
            usage.PromptTokens,
            usage.CachedTokens,
            usage.CompletionTokens,
            cost,
            status,
            latencyMs ?? time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
            firstTokenMs,
            Stream: true,
            usage.Source,
            Operation: OperationRegistry.Realtime,
            Rejected: rejected)
        {
            Media = usage.Media,
            OperationName = OperationRegistry.Realtime.Name,
            Pool = feature.Pool.Name,
        };

    public static async ValueTask AppendAsync(UsageLedger ledger, UsageRecord record)
    {
        try
        {
            await ledger.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The gateway is past its shutdown drain; nothing can be recorded any more (as for requests).
        }
    }
}
