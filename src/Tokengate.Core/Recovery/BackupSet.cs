using System.Text.Json;
using Tokengate.Files;

namespace Tokengate.Recovery;

/// <summary>The backups in a target store: their manifests, and writing or reading objects with their size and SHA-256.</summary>
internal sealed class BackupSet(IBlobStore store, BackupTarget target)
{
    public IBlobStore Store => store;

    public BackupTarget Target => target;

    /// <summary>The ids of the complete backups (those with a manifest), oldest first.</summary>
    public async Task<IReadOnlyList<string>> IdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var name in store.ListAsync(BackupManifest.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (name.EndsWith(".json", StringComparison.Ordinal) && name.IndexOf('/', BackupManifest.Prefix.Length) < 0)
                ids.Add(name[BackupManifest.Prefix.Length..^".json".Length]);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>The backup <paramref name="id"/>, or the latest when null; null when the target has none.</summary>
    public async Task<BackupManifest?> ManifestAsync(string? id, CancellationToken cancellationToken)
    {
        if (id is null)
        {
            var ids = await IdsAsync(cancellationToken).ConfigureAwait(false);
            if (ids.Count == 0) return null;
            id = ids[^1];
        }
        await using var stream = await store.OpenReadAsync(BackupManifest.NameOf(id), cancellationToken).ConfigureAwait(false)
            ?? throw new RecoveryException($"{target} has no backup {id}.");
        try
        {
            var manifest = await JsonSerializer.DeserializeAsync(stream, RecoveryJsonContext.Default.BackupManifest, cancellationToken).ConfigureAwait(false)
                ?? throw new RecoveryException($"The manifest of backup {id} is empty.");
            if (manifest.Format != BackupManifest.CurrentFormat)
                throw new RecoveryException($"Backup {id} has manifest format {manifest.Format}; this version reads {BackupManifest.CurrentFormat}.");
            return manifest;
        }
        catch (JsonException ex)
        {
            throw new RecoveryException($"The manifest of backup {id} cannot be read: {ex.Message}", ex);
        }
    }

    public async Task WriteManifestAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, RecoveryJsonContext.Default.BackupManifest);
        using var content = new MemoryStream(bytes, writable: false);
        await store.WriteAsync(BackupManifest.NameOf(manifest.Id), content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies <paramref name="content"/> into <paramref name="store"/> as <paramref name="name"/>, hashing it on the way.</summary>
    public static async Task<(long Size, string Sha256)> CopyAsync(IBlobStore store, string name, Stream content, CancellationToken cancellationToken)
    {
        await using var hashing = new HashingReadStream(content);
        await store.WriteAsync(name, hashing, cancellationToken).ConfigureAwait(false);
        return (hashing.BytesRead, hashing.Sha256Hex());
    }

    /// <summary>Reads a stored object to its end; its size and SHA-256, or null when it is missing.</summary>
    public static async Task<(long Size, string Sha256)?> HashAsync(IBlobStore store, string name, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (stream is null) return null;
        await using var hashing = new HashingReadStream(stream);
        await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return (hashing.BytesRead, hashing.Sha256Hex());
    }
}
