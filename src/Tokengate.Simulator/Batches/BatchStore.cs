namespace Tokengate.Simulator.Batches;

/// <summary>The batches of one simulator instance, as one Azure resource keeps them.</summary>
internal sealed class BatchStore : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Lock _enqueueLock = new();
    private readonly Dictionary<string, BatchJob> _byId = new(StringComparer.Ordinal);
    private readonly List<BatchJob> _order = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>
    /// Adds the batch <paramref name="create"/> builds from the enqueued tokens of <paramref name="deployment"/> now, one
    /// create at a time, so two batches cannot both fit in the room only one has.
    /// </summary>
    public BatchJob Add(string? deployment, long nowTicks, Func<long, BatchJob> create)
    {
        lock (_enqueueLock)
        {
            var batch = create(deployment is null ? 0 : EnqueuedTokens(deployment, nowTicks));
            Add(batch);
            return batch;
        }
    }

    /// <summary>The input tokens of the deployment's batches now validating, in progress or finalizing.</summary>
    public long EnqueuedTokens(string deployment, long nowTicks)
    {
        long total = 0;
        foreach (var batch in List())
        {
            if (string.Equals(batch.Spec.Input.Model, deployment, StringComparison.OrdinalIgnoreCase))
            {
                total += batch.Observe(nowTicks, b => b.IsEnqueued ? b.Spec.Input.EnqueuedTokens : 0);
            }
        }

        return total;
    }

    public void Add(BatchJob batch)
    {
        lock (_lock)
        {
            _byId[batch.Id] = batch;
            _order.Add(batch);
        }
    }

    public bool TryGet(string id, out BatchJob batch)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out batch!);
        }
    }

    /// <summary>Batches oldest first.</summary>
    public List<BatchJob> List()
    {
        lock (_lock)
        {
            return [.. _order];
        }
    }

    public void Dispose()
    {
        foreach (var batch in List())
        {
            batch.Dispose();
        }
    }
}
