namespace Tokengate.Simulator.Files;

/// <summary>
/// The files of one simulator instance, as one Azure resource keeps them: an id known here is unknown to every other
/// instance. Expired files are forgotten when next looked at.
/// </summary>
internal sealed class FileStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredFile> _byId = new(StringComparer.Ordinal);
    private readonly List<StoredFile> _order = [];

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

    public void Add(StoredFile file)
    {
        lock (_lock)
        {
            _byId[file.Id] = file;
            _order.Add(file);
        }
    }

    public bool TryGet(string id, long nowTicks, out StoredFile file)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out file!) && !file.IsExpired(nowTicks))
            {
                return true;
            }

            if (file is not null)
            {
                Forget(file);
            }
        }

        file = null!;
        return false;
    }

    public bool Remove(string id, long nowTicks)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var file))
            {
                return false;
            }

            Forget(file);
            return !file.IsExpired(nowTicks);
        }
    }

    /// <summary>Files in creation order (oldest first), expired ones dropped, optionally of one purpose.</summary>
    public List<StoredFile> List(long nowTicks, string? purpose)
    {
        lock (_lock)
        {
            _order.RemoveAll(f => f.IsExpired(nowTicks) && _byId.Remove(f.Id));
            return [.. _order.Where(f => purpose is null || string.Equals(f.Purpose, purpose, StringComparison.Ordinal))];
        }
    }

    private void Forget(StoredFile file)
    {
        _byId.Remove(file.Id);
        _order.Remove(file);
    }
}
