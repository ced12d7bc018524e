using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.State;

namespace Tokengate.Affinity;

/// <summary>
/// The affinity records of a fleet: Redis (<see cref="RedisAffinityScripts"/>) written before each call returns, so
/// a follow-up through any instance finds the record, plus a durable copy in the database (<see cref="AffinityTable"/>)
/// that <see cref="AffinityWriter"/> writes off the request path.
/// <list type="bullet">
/// <item>A lookup that Redis cannot answer (it restarted without persistence, or is unreachable) reads the database;
/// a record found there is written back into Redis when Redis is up, unless Redis has meanwhile got one of its own.</item>
/// <item>While Redis is unreachable every change is written to the database directly (and queued as well, so it
/// lands after any change to the same id still queued), so instances keep finding each other's records. Removals and
/// chain-token figures made meanwhile are written to Redis when it is back, in case it kept its data.</item>
/// <item>Only when the database fails as well is a record kept in this instance's memory (bounded by
/// <see cref="AffinityOptions.MaxRecords"/>), and the change left to the writer's queue for when the database is back.</item>
/// </list>
/// Times are kept to the microsecond, PostgreSQL's precision, so every copy of a record is the same.
/// </summary>
internal sealed partial class RedisAffinityStore : IAffinityStore
{
    /// <summary>Most removals and chain-token figures waiting for Redis to come back; past it they are written to the database only.</summary>
    internal const int MaxUnsynced = 100_000;

    private static readonly TimeSpan TombstoneGrace = TimeSpan.FromHours(1);
    private static readonly RedisValue[] Fields = ["k", "p", "b", "c", "cr", "ex", "t", "x"];

    private readonly RedisConnection _redis;
    private readonly AffinityTable _table;
    private readonly AffinityQueue _queue;
    private readonly TimeProvider _time;
    private readonly AffinityMetrics _metrics;
    private readonly StateMetrics _stateMetrics;
    private readonly ILogger<RedisAffinityStore> _logger;
    private readonly InMemoryAffinityStore _local;
    private readonly ConcurrentDictionary<string, AffinityChange> _unsynced = new(StringComparer.Ordinal);
    private int _syncing;

    public RedisAffinityStore(
        RedisConnection redis, AffinityTable table, AffinityQueue queue, IOptions<AffinityOptions> options, TimeProvider time,
        AffinityMetrics metrics, StateMetrics stateMetrics, ILogger<RedisAffinityStore> logger)
    {
        _redis = redis;
        _table = table;
        _queue = queue;
        _time = time;
        _metrics = metrics;
        _stateMetrics = stateMetrics;
        _logger = logger;
        _local = new InMemoryAffinityStore(time, options.Value.MaxRecords, metrics: null);
        redis.Restored += () => _ = SyncAsync();
    }

    /// <summary>Changes made while Redis was unreachable that Redis has not been given yet.</summary>
    internal int Unsynced => _unsynced.Count;

    public async ValueTask RecordAsync(AffinityRecord record, CancellationToken cancellationToken)
    {
        record.Validate();
        record = ToMicroseconds(record);
        var change = AffinityChange.Put(record);
        if (await TryRedisAsync(RedisAffinityScripts.Record, record.Id, RecordValues(record)).ConfigureAwait(false))
        {
            _queue.Enqueue(change);
            return;
        }
        if (!await TryWriteDirectAsync(change, cancellationToken).ConfigureAwait(false))
            await _local.RecordAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AffinityRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!AffinityRecord.IsPlausibleId(id)) return Counted(null, AffinityMetrics.Miss);
        var redisAnswered = false;
        if (_redis.IsConnected)
        {
            try
            {
                var values = await _redis.Multiplexer.GetDatabase().HashGetAsync(Key(id), Fields).ConfigureAwait(false);
                redisAnswered = true;
                if (!values[7].IsNull) return Counted(null, AffinityMetrics.Miss);  // removed
                if (!values[2].IsNull) return Judged(Parse(id, values));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisFailed(ex);
            }
        }

        try
        {
            if (await _table.FindAsync(id, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                if (stored.IsExpired(_time.GetUtcNow())) return Counted(null, AffinityMetrics.Expired);
                if (redisAnswered) await TryRedisAsync(RedisAffinityScripts.Restore, id, RecordValues(stored)).ConfigureAwait(false);
                return Counted(stored, AffinityMetrics.Hit);
            }
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            DatabaseFailed(ex);
        }

        var local = _local.Find(id, count: false);
        return Counted(local, local is null ? AffinityMetrics.Miss : AffinityMetrics.Hit);
    }

    public async ValueTask SetChainTokensAsync(string id, long chainTokens, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chainTokens);
        if (!AffinityRecord.IsPlausibleId(id)) return;
        await _local.SetChainTokensAsync(id, chainTokens, cancellationToken).ConfigureAwait(false);
        var change = AffinityChange.Chain(id, chainTokens);
        if (await TryRedisAsync(RedisAffinityScripts.SetChainTokens, id, [chainTokens]).ConfigureAwait(false))
        {
            _queue.Enqueue(change);
            return;
        }
        await TryWriteDirectAsync(change, cancellationToken).ConfigureAwait(false);
        KeepForRedis(change);
    }

    public async ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (!AffinityRecord.IsPlausibleId(id)) return;
        await _local.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        var change = AffinityChange.Remove(id);
        if (await TryRedisAsync(RedisAffinityScripts.Remove, id, [(long)TombstoneGrace.TotalMilliseconds]).ConfigureAwait(false))
        {
            _queue.Enqueue(change);
            return;
        }
        await TryWriteDirectAsync(change, cancellationToken).ConfigureAwait(false);
        KeepForRedis(change);
    }

    /// <summary>Gives Redis the removals and chain-token figures made while it was unreachable (on reconnect).</summary>
    internal async Task SyncAsync()
    {
        if (Interlocked.Exchange(ref _syncing, 1) == 1) return;
        try
        {
            foreach (var (id, change) in _unsynced)
            {
                var done = change.Removed
                    ? await TryRedisAsync(RedisAffinityScripts.Remove, id, [(long)TombstoneGrace.TotalMilliseconds]).ConfigureAwait(false)
                    : await TryRedisAsync(RedisAffinityScripts.SetChainTokens, id, [change.ChainTokens]).ConfigureAwait(false);
                if (!done) return;  // unreachable again: the next reconnect goes on
                _unsynced.TryRemove(KeyValuePair.Create(id, change));
            }
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
        }
    }

    private void KeepForRedis(AffinityChange change)
    {
        if (_unsynced.Count >= MaxUnsynced && !_unsynced.ContainsKey(change.Id)) return;
        _unsynced.AddOrUpdate(change.Id, change, (_, earlier) => earlier.Then(change));
    }

    /// <summary>
    /// Redis is unreachable, so the database is the copy the other instances read: written before the call returns,
    /// and queued as well so it lands after a change to the same id still in the queue. False when it failed too.
    /// </summary>
    private async Task<bool> TryWriteDirectAsync(AffinityChange change, CancellationToken cancellationToken)
    {
        try
        {
            await _table.WriteAsync([change], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            DatabaseFailed(ex);
            return false;
        }
        finally
        {
            _queue.Enqueue(change);
        }
    }

    /// <summary>Runs a script on the record's key; false when Redis is unreachable or the call failed.</summary>
    private async ValueTask<bool> TryRedisAsync(string script, string id, RedisValue[] values)
    {
        if (!_redis.IsConnected) return false;
        try
        {
            await _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(script, [Key(id)], values).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisFailed(ex);
            return false;
        }
    }

    private AffinityRecord? Judged(AffinityRecord record) =>
        record.IsExpired(_time.GetUtcNow()) ? Counted(null, AffinityMetrics.Expired) : Counted(record, AffinityMetrics.Hit);

    private AffinityRecord? Counted(AffinityRecord? record, string result)
    {
        _metrics.Lookup(result);
        return record;
    }

    private RedisKey Key(string id) => _redis.Prefix + "affinity:" + id;

    private static RedisValue[] RecordValues(AffinityRecord r) =>
        [r.Kind, r.Pool, r.Backend, r.Consumer, r.CreatedAt.UtcTicks, r.ExpiresAt.UtcTicks, r.ChainTokens, r.ExpiresAt.ToUnixTimeMilliseconds()];

    private static AffinityRecord Parse(string id, RedisValue[] v) => new(
        id, v[0]!, v[1]!, v[2]!, v[3]!, new DateTimeOffset((long)v[4], TimeSpan.Zero), new DateTimeOffset((long)v[5], TimeSpan.Zero), (long)v[6]);

    private static AffinityRecord ToMicroseconds(AffinityRecord r) =>
        r.CreatedAt.UtcTicks % TimeSpan.TicksPerMicrosecond == 0 && r.ExpiresAt.UtcTicks % TimeSpan.TicksPerMicrosecond == 0
            ? r
            : r with { CreatedAt = Truncate(r.CreatedAt), ExpiresAt = Truncate(r.ExpiresAt) };

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    private static bool IsDatabaseFailure(Exception ex) =>
        ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException;

    private void RedisFailed(Exception ex)
    {
        _metrics.Error(AffinityMetrics.Redis);
        _stateMetrics.Errors.Add(1);
        LogRedisFailed(_logger, ex.GetType().Name);
    }

    private void DatabaseFailed(Exception ex)
    {
        _metrics.Error(AffinityMetrics.Database);
        LogDatabaseFailed(_logger, ex.GetType().Name);
    }

    [LoggerMessage(1521, LogLevel.Warning, "An affinity call to Redis failed ({Error}); served from the database's copy")]
    private static partial void LogRedisFailed(ILogger logger, string error);

    [LoggerMessage(1522, LogLevel.Warning, "An affinity call to the database failed ({Error}); a record that neither Redis nor the database took is kept in this instance's memory")]
    private static partial void LogDatabaseFailed(ILogger logger, string error);
}
