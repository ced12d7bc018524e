using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.State;

namespace Tokengate.Accounting;

/// <summary>
/// The budgets of the whole fleet, in Redis: each admission and each settle is one atomic script
/// (<see cref="RedisBudgetScripts"/>) over all the budgets of the request, so a budget stops within one request of its
/// amount for all instances together, and each threshold alert is queued by exactly one instance. While Redis is
/// unreachable (or a call fails) requests are admitted against this instance's share: every amount divided by
/// <see cref="StateOptions.InstanceCount"/>, counted from the fleet's spend as last seen. A hold is always settled
/// where it was made; spend settled outside Redis is added to it with the budget's next shared settle. When Redis comes
/// back, or turns out to have lost its data (no epoch, see <see cref="RedisBudgetScripts"/>), the store asks for a new
/// seeding from the ledger (<see cref="SeedNeeded"/>); until then requests are admitted against the local share.
/// </summary>
internal sealed partial class RedisBudgetStore : IBudgetStore
{
    /// <summary>How long keys outlive their period: settles of requests that ran across the period's end still find their hold.</summary>
    private static readonly TimeSpan PeriodGrace = TimeSpan.FromHours(1);

    /// <summary>How often <see cref="Describe"/> may start a background read of the fleet's spend.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often requests that find Redis unseeded may ask for a seeding (each one reads the ledger).</summary>
    private static readonly TimeSpan SeedRequestInterval = TimeSpan.FromSeconds(1);

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly StateMetrics _metrics;
    private readonly BudgetAlertQueue _alerts;
    private readonly ILogger<RedisBudgetStore> _logger;
    private readonly long _lifetimeMs;
    private readonly int _instances;
    private readonly InMemoryBudgetStore _local;
    private readonly BudgetStateTable _view = new();
    private readonly Dictionary<string, (DateTimeOffset PeriodStart, long Units)> _owed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private readonly RedisKey _epochKey;
    private string? _epoch;
    private long _lastRefresh;
    private int _refreshing;
    private long _lastSeedRequest;

    public RedisBudgetStore(
        RedisConnection redis, IOptions<StateOptions> options, TimeProvider time, StateMetrics metrics, BudgetAlertQueue alerts, ILogger<RedisBudgetStore> logger)
    {
        _redis = redis;
        _time = time;
        _metrics = metrics;
        _alerts = alerts;
        _logger = logger;
        _lifetimeMs = (long)options.Value.ReservationLifetime.TotalMilliseconds;
        _instances = options.Value.InstanceCount;
        _local = new InMemoryBudgetStore(time, alerts: null, _instances);
        _epochKey = redis.Prefix + "budget:epoch";
        // Whatever Redis lost or missed while away is settled by seeding again (values still there are kept).
        redis.Restored += () => RequestSeed(force: true);
    }

    public event Action? SeedNeeded;

    public async ValueTask<BudgetAdmission> AdmitAsync(
        Consumer consumer, BudgetsOptions options, decimal estimatedCost, long estimatedTokens, CancellationToken cancellationToken)
    {
        if (!BudgetCatalog.AppliesTo(consumer, options)) return BudgetAdmission.None;
        if (_redis.IsConnected)
        {
            var now = _time.GetUtcNow();
            List<BudgetState> budgets;
            lock (_lock) budgets = _view.Applicable(consumer, options, now);
            if (budgets.Count == 0) return BudgetAdmission.None;
            try
            {
                if (await AdmitSharedAsync(budgets, now, estimatedCost, estimatedTokens).ConfigureAwait(false) is { } shared) return shared;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _metrics.Errors.Add(1);
                LogFallback(_logger, ex.GetType().Name);
            }
        }
        return _local.Admit(consumer, options, estimatedCost, estimatedTokens);
    }

    public async ValueTask SettleAsync(BudgetAdmission admission, decimal cost, long tokens, CancellationToken cancellationToken)
    {
        if (admission.Holds.Count == 0) return;
        var now = _time.GetUtcNow();
        if (admission.SharedId is not { } id)
        {
            _local.Settle(admission, cost, tokens);
            foreach (var hold in admission.Holds) Owe(hold.Budget, now, Units(hold.Budget.Options, cost, tokens));
            return;
        }

        var holds = admission.Holds;
        var keys = new RedisKey[1 + (holds.Count * 3)];
        keys[0] = _epochKey;
        var values = new List<RedisValue>(1 + (holds.Count * 5)) { id };
        var periods = new DateTimeOffset[holds.Count];
        var spend = new long[holds.Count];
        var owed = new long[holds.Count];
        for (var i = 0; i < holds.Count; i++)
        {
            var state = holds[i].Budget;
            var budget = state.Options;
            var current = BudgetCatalog.PeriodStart(budget.Period, now);
            var held = HashKey(state.Key, holds[i].PeriodStart);
            keys[1 + (i * 3)] = held;
            keys[2 + (i * 3)] = held + ":holds";
            keys[3 + (i * 3)] = HashKey(state.Key, current);
            periods[i] = current;
            spend[i] = Units(budget, cost, tokens);
            owed[i] = TakeOwed(state.Key, current);
            values.Add(spend[i] + owed[i]);
            values.Add(ExpireAt(budget, current));
            values.Add(budget.Thresholds.Count);
            foreach (var percent in budget.Thresholds)
            {
                values.Add(percent);
                values.Add(ThresholdUnits(budget, percent));
            }
        }

        RedisResult[]? result = null;
        try
        {
            result = (RedisResult[])(await _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(RedisBudgetScripts.Settle, keys, [.. values]).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.Errors.Add(1);
            LogSettleDeferred(_logger, ex.GetType().Name);
        }
        if (result is null || (long)result[0] == -1)
        {
            // The reservation expires by itself (ReservationLifetime); the spend waits for the budget's next shared
            // settle, or for the seeding that an unseeded Redis needs (whose ledger figure then includes it).
            if (result is not null) RequestSeed(force: false);
            for (var i = 0; i < holds.Count; i++) Owe(holds[i].Budget, now, spend[i], owed[i]);
            return;
        }

        for (var i = 0; i < holds.Count; i++)
        {
            var state = holds[i].Budget;
            var budget = state.Options;
            var entry = (RedisResult[])result[1 + i]!;
            var spent = (long)entry[0];
            Observe(state, periods[i], spent, (long)entry[1]);
            for (var j = 2; j < entry.Length; j++)
            {
                _alerts.Enqueue(new BudgetAlert(state.Key, state.Label, budget.Period, periods[i], (int)(long)entry[j], budget.Amount,
                    FromUnits(budget, spent), budget.Unit, now));
            }
        }
    }

    public async ValueTask SeedAsync(IReadOnlyList<BudgetSeed> seeds, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var states = new BudgetState[seeds.Count];
        var periods = new DateTimeOffset[seeds.Count];
        var spent = new long[seeds.Count];
        var keys = new RedisKey[1 + seeds.Count];
        keys[0] = _epochKey;
        var values = new List<RedisValue> { Guid.NewGuid().ToString("N") };
        for (var i = 0; i < seeds.Count; i++)
        {
            var seed = seeds[i];
            lock (_lock) states[i] = _view.Get(seed.Scope, seed.Name, seed.Budget, now);
            periods[i] = BudgetCatalog.PeriodStart(seed.Budget.Period, now);
            spent[i] = seed.Budget.Unit == BudgetUnit.Usd ? UsageTime.ToNanoUsd(seed.Spent) : (long)Math.Ceiling(seed.Spent);
            keys[1 + i] = HashKey(states[i].Key, periods[i]);
            values.Add(spent[i]);
            values.Add(ExpireAt(seed.Budget, periods[i]));
            values.Add(seed.Fired.Count);
            foreach (var percent in seed.Fired) values.Add(percent);
        }

        if (_redis.IsConnected)
        {
            try
            {
                var result = (RedisResult[])(await _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(RedisBudgetScripts.Seed, keys, [.. values]).ConfigureAwait(false))!;
                var epoch = (string?)result[0];
                lock (_lock)
                {
                    // Another epoch: Redis lost its data since this instance last saw it, and the spend it had been
                    // unable to add is in the ledger the fleet seeded from, so it is not owed any more.
                    if (_epoch is not null && _epoch != epoch) _owed.Clear();
                    _epoch = epoch;
                }
                for (var i = 0; i < seeds.Count; i++) spent[i] = (long)result[2 + (i * 2)];
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _metrics.Errors.Add(1);
                LogSeedFailed(_logger, ex.GetType().Name);
            }
        }
        for (var i = 0; i < seeds.Count; i++) Observe(states[i], periods[i], spent[i]);
    }

    /// <summary>
    /// A recent local view, not a Redis read: metrics and the dashboard read budgets synchronously (an observable gauge's
    /// callback must not wait on the network, nor fail when Redis is away), and the view already holds the fleet's
    /// figures from this instance's last script for each budget. So that an instance without traffic for a budget does
    /// not go on showing old figures, a read starts a background re-read of the shared spend at most every
    /// <see cref="RefreshInterval"/>; the figures are therefore at most a few seconds behind the fleet.
    /// </summary>
    public IReadOnlyList<BudgetState> Describe()
    {
        var now = _time.GetUtcNow();
        var list = new List<BudgetState>();
        var live = new List<(BudgetState State, DateTimeOffset PeriodStart)>();
        lock (_lock)
        {
            foreach (var state in _view.All)
            {
                state.Roll(BudgetCatalog.PeriodStart(state.Options.Period, now));
                live.Add((state, state.PeriodStart));
                list.Add(state.Snapshot());
            }
        }
        if (live.Count > 0 && _redis.IsConnected && _time.GetElapsedTime(Interlocked.Read(ref _lastRefresh)) >= RefreshInterval
            && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = RefreshAsync(live);
        }
        return list;
    }

    /// <summary>The shared admission, or null when Redis has no seeded budgets (the request is then admitted locally).</summary>
    private async ValueTask<BudgetAdmission?> AdmitSharedAsync(List<BudgetState> budgets, DateTimeOffset now, decimal estimatedCost, long estimatedTokens)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var id = Guid.NewGuid().ToString("N");
        var keys = new RedisKey[1 + (budgets.Count * 2)];
        keys[0] = _epochKey;
        var values = new RedisValue[3 + (budgets.Count * 4)];
        values[0] = nowMs;
        values[1] = id;
        values[2] = nowMs + _lifetimeMs;
        for (var i = 0; i < budgets.Count; i++)
        {
            var state = budgets[i];
            var budget = state.Options;
            var hash = HashKey(state.Key, BudgetCatalog.PeriodStart(budget.Period, now));
            keys[1 + (i * 2)] = hash;
            keys[2 + (i * 2)] = hash + ":holds";
            values[3 + (i * 4)] = AmountUnits(budget);
            values[4 + (i * 4)] = budget.OverBudget == BudgetAction.Block ? 1 : 0;
            values[5 + (i * 4)] = Units(budget, estimatedCost, estimatedTokens);
            values[6 + (i * 4)] = ExpireAt(budget, BudgetCatalog.PeriodStart(budget.Period, now));
        }
        var result = (RedisResult[])(await _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(RedisBudgetScripts.Admit, keys, values).ConfigureAwait(false))!;

        if ((long)result[0] == -1)
        {
            RequestSeed(force: false);
            return null;
        }
        if ((long)result[0] == 0)
        {
            var blocking = budgets[(int)(long)result[1]];
            var period = BudgetCatalog.PeriodStart(blocking.Options.Period, now);
            Observe(blocking, period, (long)result[2], (long)result[3]);
            return new BudgetAdmission([], blocking, BudgetCatalog.NextPeriod(blocking.Options.Period, period));
        }

        BudgetState? throttling = null;
        var holds = new BudgetHold[budgets.Count];
        for (var i = 0; i < budgets.Count; i++)
        {
            var state = budgets[i];
            var budget = state.Options;
            var period = BudgetCatalog.PeriodStart(budget.Period, now);
            Observe(state, period, (long)result[2 + (i * 3)], (long)result[3 + (i * 3)]);
            if ((long)result[4 + (i * 3)] == 1 && (throttling is null || budget.ThrottleRequestsPerMinute < throttling.Options.ThrottleRequestsPerMinute))
                throttling = state;
            holds[i] = new BudgetHold(state, period, budget.Unit == BudgetUnit.Usd ? estimatedCost : estimatedTokens);
        }
        return new BudgetAdmission(holds, Throttling: throttling, SharedId: id);
    }

    private async Task RefreshAsync(List<(BudgetState State, DateTimeOffset PeriodStart)> budgets)
    {
        try
        {
            var database = _redis.Multiplexer.GetDatabase();
            var reads = new Task<RedisValue>[budgets.Count];
            for (var i = 0; i < budgets.Count; i++) reads[i] = database.HashGetAsync(HashKey(budgets[i].State.Key, budgets[i].PeriodStart), "spent");
            await Task.WhenAll(reads).ConfigureAwait(false);
            for (var i = 0; i < budgets.Count; i++)
            {
                var value = await reads[i].ConfigureAwait(false);
                Observe(budgets[i].State, budgets[i].PeriodStart, value.IsNull ? 0 : (long)value);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.Errors.Add(1);
        }
        finally
        {
            Interlocked.Exchange(ref _lastRefresh, _time.GetTimestamp());
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>Asks for a seeding from the ledger; requests that find Redis unseeded ask at most every <see cref="SeedRequestInterval"/>.</summary>
    private void RequestSeed(bool force)
    {
        var last = Interlocked.Read(ref _lastSeedRequest);
        if (!force && last != 0 && _time.GetElapsedTime(last) < SeedRequestInterval) return;
        if (Interlocked.CompareExchange(ref _lastSeedRequest, _time.GetTimestamp(), last) != last) return;
        LogSeedRequested(_logger);
        SeedNeeded?.Invoke();
    }

    /// <summary>
    /// Takes the fleet's figures from a script into the view, adding what this instance settled that Redis has not seen,
    /// and moves the local fallback's baseline to this instance's share of that spend.
    /// </summary>
    private void Observe(BudgetState state, DateTimeOffset periodStart, long spentUnits, long? reservedUnits = null)
    {
        decimal spent;
        lock (_lock)
        {
            if (periodStart > state.PeriodStart) state.Roll(periodStart);
            if (periodStart != state.PeriodStart) return;
            if (_owed.TryGetValue(state.Key, out var owed) && owed.PeriodStart == periodStart) spentUnits += owed.Units;
            spent = state.Spent = FromUnits(state.Options, spentUnits);
            if (reservedUnits is { } reserved) state.Reserved = FromUnits(state.Options, reserved);
        }
        _local.Seed(state.Scope, state.Name, state.Options, spent / _instances, []);
    }

    /// <summary>
    /// Spend settled outside Redis: <paramref name="units"/> are new (shown in the view now), <paramref name="shown"/>
    /// were owed before; both are added to Redis with the budget's next shared settle.
    /// </summary>
    private void Owe(BudgetState budget, DateTimeOffset now, long units, long shown = 0)
    {
        var total = units + shown;
        if (total == 0) return;
        var current = BudgetCatalog.PeriodStart(budget.Options.Period, now);
        lock (_lock)
        {
            if (_owed.TryGetValue(budget.Key, out var owed) && owed.PeriodStart == current) total += owed.Units;
            _owed[budget.Key] = (current, total);
            _view.Get(budget.Scope, budget.Name, budget.Options, now).Spent += FromUnits(budget.Options, units);
        }
    }

    private long TakeOwed(string key, DateTimeOffset periodStart)
    {
        lock (_lock)
        {
            // Spend owed to a past period no longer decides anything.
            return _owed.Remove(key, out var owed) && owed.PeriodStart == periodStart ? owed.Units : 0;
        }
    }

    private string HashKey(string budgetKey, DateTimeOffset periodStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{_redis.Prefix}budget:{budgetKey}:{BudgetAlertSender.PeriodText(periodStart)}");

    private static long ExpireAt(BudgetOptions budget, DateTimeOffset periodStart) =>
        (BudgetCatalog.NextPeriod(budget.Period, periodStart) + PeriodGrace).ToUnixTimeMilliseconds();

    /// <summary>Money as nano-USD and tokens as tokens: whole numbers, so the scripts never add floats.</summary>
    private static long Units(BudgetOptions budget, decimal cost, long tokens) => budget.Unit == BudgetUnit.Usd ? UsageTime.ToNanoUsd(cost) : tokens;

    private static decimal FromUnits(BudgetOptions budget, long units) => budget.Unit == BudgetUnit.Usd ? UsageTime.FromNanoUsd(units) : units;

    /// <summary>For whole units, spent &lt; amount is spent &lt; the amount rounded up.</summary>
    private static long AmountUnits(BudgetOptions budget) =>
        budget.Unit == BudgetUnit.Usd ? UsageTime.ToNanoUsd(budget.Amount) : (long)Math.Ceiling(budget.Amount);

    /// <summary>The spend at which <paramref name="percent"/> of the amount is reached (spent × 100 ≥ amount × percent).</summary>
    private static long ThresholdUnits(BudgetOptions budget, int percent) => (long)Math.Ceiling(
        (budget.Unit == BudgetUnit.Usd ? UsageTime.ToNanoUsd(budget.Amount) : budget.Amount) * percent / 100m);

    [LoggerMessage(1, LogLevel.Warning, "A shared budget admission failed ({Error}); this request is admitted against this instance's share")]
    private static partial void LogFallback(ILogger logger, string error);

    [LoggerMessage(2, LogLevel.Warning, "Settling a shared budget reservation failed ({Error}); the reservation expires by itself and the spend is added with the next settle")]
    private static partial void LogSettleDeferred(ILogger logger, string error);

    [LoggerMessage(3, LogLevel.Warning, "Seeding the shared budgets failed ({Error}); this instance goes on from the ledger's figures")]
    private static partial void LogSeedFailed(ILogger logger, string error);

    [LoggerMessage(4, LogLevel.Information, "The shared budgets are seeded again from the ledger (Redis came back or has lost its data)")]
    private static partial void LogSeedRequested(ILogger logger);
}
