namespace Tokengate.Simulator.Files;

/// <summary>
/// One Upload: a file arriving in parts. <c>pending</c> until completed, cancelled, or past its expiry on the
/// simulator's clock (then <c>expired</c>).
/// </summary>
internal sealed class StoredUpload(string id, string filename, string purpose, long bytes, string mimeType, long createdTicks, long expiresTicks, long? fileExpirySeconds)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _parts = new(StringComparer.Ordinal);
    private string _status = "pending";

    public string Id { get; } = id;

    public string Filename { get; } = filename;

    public string Purpose { get; } = purpose;

    public long Bytes { get; } = bytes;

    public string MimeType { get; } = mimeType;

    public long CreatedTicks { get; } = createdTicks;

    public long ExpiresTicks { get; } = expiresTicks;

    /// <summary>The <c>expires_after</c> the completed file gets, in seconds, or null.</summary>
    public long? FileExpirySeconds { get; } = fileExpirySeconds;

    public StoredFile? File { get; private set; }

    public string Status(long nowTicks)
    {
        lock (_lock)
        {
            return _status == "pending" && nowTicks >= ExpiresTicks ? "expired" : _status;
        }
    }

    /// <summary>Adds a part; null when the upload takes none now, with the status it is in.</summary>
    public string? TryAddPart(string partId, byte[] data, long nowTicks, out string status)
    {
        lock (_lock)
        {
            status = _status == "pending" && nowTicks >= ExpiresTicks ? "expired" : _status;
            if (status != "pending")
            {
                return null;
            }

            _parts[partId] = data;
            return partId;
        }
    }

    public bool TryCancel(long nowTicks, out string status)
    {
        lock (_lock)
        {
            status = _status == "pending" && nowTicks >= ExpiresTicks ? "expired" : _status;
            if (status is "pending" or "cancelled")
            {
                _status = status = "cancelled";
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// The parts joined in the order given, or null and why not (the status it is in, a part unknown here, a size
    /// that differs from the declared one). <paramref name="finish"/> turns the bytes into the file, under the lock,
    /// so that two completions cannot both succeed.
    /// </summary>
    public (StoredFile? File, (string Message, string? Param, string? Code) Error) TryComplete(IReadOnlyList<string> partIds, string? md5, long nowTicks, Func<byte[], StoredFile> finish)
    {
        lock (_lock)
        {
            var status = _status == "pending" && nowTicks >= ExpiresTicks ? "expired" : _status;
            if (status != "pending")
            {
                return (null, ($"Cannot complete upload {Id}: its status is '{status}'.", null, "invalid_state"));
            }

            long total = 0;
            foreach (var partId in partIds)
            {
                if (!_parts.TryGetValue(partId, out var part))
                {
                    return (null, ($"Part {partId} does not belong to upload {Id}.", "part_ids", "invalid_value"));
                }

                total += part.Length;
            }

            if (total != Bytes)
            {
                return (null, ($"The parts hold {total} bytes, but the upload was created for {Bytes} bytes.", "part_ids", "invalid_value"));
            }

            var content = new byte[total];
            var offset = 0;
            foreach (var partId in partIds)
            {
                var part = _parts[partId];
                part.CopyTo(content, offset);
                offset += part.Length;
            }

            if (md5 is not null)
            {
#pragma warning disable CA5351 // MD5 is the protocol's checksum here, not a security measure
                var actual = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content));
#pragma warning restore CA5351
                if (!string.Equals(actual, md5, StringComparison.OrdinalIgnoreCase))
                {
                    return (null, ($"The md5 checksum of the assembled file, {actual}, does not match the one given, {md5}.", "md5", "invalid_value"));
                }
            }

            File = finish(content);
            _status = "completed";
            _parts.Clear();
            return (File, default);
        }
    }
}
