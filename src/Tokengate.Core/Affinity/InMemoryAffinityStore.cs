using System.Buffers;
using System.Collections.Concurrent;

namespace Tokengate.Affinity;

/// <summary>
/// Affinity records in this process's memory: the store of a single instance, and the last resort of
/// <see cref="RedisAffinityStore"/> when neither Redis nor the database takes a record. Every call completes
/// synchronously. Expiry is judged on read by the <see cref="TimeProvider"/>; memory is bounded by
/// <c>maxRecords</c>: the record that takes the count past it starts a background trim to 90 % of the bound (expired
/// records first, then the oldest by <see cref="AffinityRecord.CreatedAt"/>), so a full store trims once per tenth of
/// its size in new records rather than on every one.
/// </summary>
internal sealed class InMemoryAffinityStore : IAffinityStore
{
    private const double TrimTarget = 0.9;
    private readonly ConcurrentDictionary<string, AffinityRecord> _records = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _maxRecords;
    private readonly AffinityMetrics? _metrics;
    private int _trimScheduled;
    private Task _trim = Task.CompletedTask;

    // ConcurrentDictionary.Count takes every bucket lock; this counter is kept beside it instead.
    private int _count;

    /// <param name="time">The clock that decides expiry.</param>
    /// <param name="maxRecords">The bound (<see cref="AffinityOptions.MaxRecords"/>).</param>
    /// <param name="metrics">Where lookups and evictions are counted; null when another store counts them (the Redis store's fallback).</param>
    public InMemoryAffinityStore(TimeProvider time, int maxRecords, AffinityMetrics? metrics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _time = time;
        _maxRecords = maxRecords;
        _metrics = metrics;
    }

    /// <summary>Records held, expired ones not yet dropped included.</summary>
    internal int Count => Volatile.Read(ref _count);

    public ValueTask RecordAsync(AffinityRecord record, CancellationToken cancellationToken)
    {
        record.Validate();
        while (true)
        {
            if (_records.TryAdd(record.Id, record))
            {
                if (Interlocked.Increment(ref _count) > _maxRecords) ScheduleTrim();
                return ValueTask.CompletedTask;
            }
            if (_records.TryGetValue(record.Id, out var old) && _records.TryUpdate(record.Id, record, old)) return ValueTask.CompletedTask;
        }
    }

    public ValueTask<AffinityRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(id, count: true));

    /// <summary>The record, or null; <paramref name="count"/> false when the caller counts the lookup itself.</summary>
    internal AffinityRecord? Find(string id, bool count)
    {
        if (!AffinityRecord.IsPlausibleId(id) || !_records.TryGetValue(id, out var record))
        {
            if (count) _metrics?.Lookup(AffinityMetrics.Miss);
            return null;
        }
        if (record.IsExpired(_time.GetUtcNow()))
        {
            Drop(id, record);
            if (count) _metrics?.Lookup(AffinityMetrics.Expired);
            return null;
        }
        if (count) _metrics?.Lookup(AffinityMetrics.Hit);
        return record;
    }

    public ValueTask SetChainTokensAsync(string id, long chainTokens, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chainTokens);
        if (!AffinityRecord.IsPlausibleId(id)) return ValueTask.CompletedTask;
        var now = _time.GetUtcNow();
        while (_records.TryGetValue(id, out var old) && !old.IsExpired(now))
        {
            if (old.ChainTokens == chainTokens || _records.TryUpdate(id, old with { ChainTokens = chainTokens }, old)) break;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (AffinityRecord.IsPlausibleId(id) && _records.TryRemove(id, out _)) Interlocked.Decrement(ref _count);
        return ValueTask.CompletedTask;
    }

    /// <summary>Removes the entry only if it still holds <paramref name="record"/>: a replacement made meanwhile stays.</summary>
    private bool Drop(string id, AffinityRecord record)
    {
        if (!_records.TryRemove(KeyValuePair.Create(id, record))) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Completes when no trim is running or scheduled (tests wait for it; the gateway never does).</summary>
    internal async Task WhenTrimmedAsync()
    {
        Task trim;
        while (!(trim = Volatile.Read(ref _trim)).IsCompleted) await trim.ConfigureAwait(false);
    }

    /// <summary>
    /// A trim passes over the whole store twice (about 0.2 s per million records on a busy two-core machine), so it runs
    /// on the thread pool rather than in the call of the record that took the count past the bound; records keep coming
    /// meanwhile, and the store is over its bound by what arrives during one trim at most.
    /// </summary>
    private void ScheduleTrim()
    {
        if (Interlocked.CompareExchange(ref _trimScheduled, 1, 0) != 0) return;
        // Published before it starts, so the task a waiter sees is never one that a later trim has replaced.
        var trim = new Task(Trim);
        Volatile.Write(ref _trim, trim);
        trim.Start(TaskScheduler.Default);
    }

    private void Trim()
    {
        while (Count > _maxRecords) TrimOnce();
        Volatile.Write(ref _trimScheduled, 0);
        // A record that went past the bound after the last look found a trim still scheduled: look once more.
        if (Count > _maxRecords) ScheduleTrim();
    }

    private void TrimOnce()
    {
        if (Count <= _maxRecords) return;
        var target = (int)(_maxRecords * TrimTarget);
        var now = _time.GetUtcNow();
        // The expired go first; the creation times of the rest are gathered in the same pass.
        var created = ArrayPool<long>.Shared.Rent(Count + 1024);
        try
        {
            var n = 0;
            foreach (var (id, record) in _records)
            {
                if (record.IsExpired(now)) Drop(id, record);
                else if (n < created.Length) created[n++] = record.CreatedAt.UtcTicks;
            }
            var excess = Math.Min(Count - target, n);
            if (excess <= 0) return;

            // Then the oldest: everything made up to the excess-th earliest creation time, found without sorting.
            var cut = SelectNth(created.AsSpan(0, n), excess - 1);
            var evicted = 0;
            foreach (var (id, record) in _records)
            {
                if (evicted >= excess) break;
                if (record.CreatedAt.UtcTicks <= cut && Drop(id, record)) evicted++;
            }
            _metrics?.Evictions.Add(evicted);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(created);
        }
    }

    /// <summary>
    /// The value that would be at index <paramref name="k"/> if <paramref name="values"/> were sorted (Hoare's
    /// quickselect, reordering the span): linear on average, where a sort of a million times would hold the record
    /// that triggered the trim several times longer.
    /// </summary>
    internal static long SelectNth(Span<long> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            // Median of three: creation times arrive nearly sorted, where a first or last pivot would go quadratic.
            long a = values[lo], b = values[lo + ((hi - lo) / 2)], c = values[hi];
            var pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return values[k];
        }
        return values[k];
    }
}
