namespace Tokengate.Simulator.Batches;

/// <summary>The batches of one simulator instance, as one Azure resource keeps them.</summary>
internal sealed class BatchStore : IDisposable
{
    private readonly Lock _lock = new();
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
