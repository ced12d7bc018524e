namespace Tokengate.Simulator.Files;

/// <summary>The Uploads of one simulator instance (one Azure resource).</summary>
internal sealed class UploadStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredUpload> _byId = new(StringComparer.Ordinal);

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

    public void Add(StoredUpload upload)
    {
        lock (_lock)
        {
            _byId[upload.Id] = upload;
        }
    }

    public bool TryGet(string id, out StoredUpload upload)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out upload!);
        }
    }
}
