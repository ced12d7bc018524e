namespace Tokengate.Simulator.FineTuning;

/// <summary>The fine-tuning jobs of one simulator instance, as one Azure resource keeps them.</summary>
internal sealed class FineTuningJobStore : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FineTuningJob> _byId = new(StringComparer.Ordinal);
    private readonly List<FineTuningJob> _order = [];

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

    public void Add(FineTuningJob job)
    {
        lock (_lock)
        {
            _byId[job.Id] = job;
            _order.Add(job);
        }
    }

    public bool TryGet(string id, out FineTuningJob job)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out job!);
        }
    }

    /// <summary>Jobs oldest first.</summary>
    public List<FineTuningJob> List()
    {
        lock (_lock)
        {
            return [.. _order];
        }
    }

    public void Dispose()
    {
        foreach (var job in List())
        {
            job.Dispose();
        }
    }
}
