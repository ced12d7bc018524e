using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tokengate.Encryption;

/// <summary>
/// <see cref="IEnvelopeEncryption"/> over the <c>encryption_keys</c> table and the configured key-encryption keys:
/// a random AES-256 data key per object, stored wrapped, unwrapped on use and kept briefly in a bounded cache.
/// </summary>
internal sealed partial class EnvelopeEncryption(
    DataKeyTable table, KeyEncryptionKeys keys, DataKeyCache cache, int rotationBatchSize, TimeProvider time, ILogger<EnvelopeEncryption> logger) : IEnvelopeEncryption
{
    /// <summary>The longest object id accepted (it is bound into every chunk's associated data).</summary>
    public const int MaxObjectIdLength = 512;

    public async Task CreateKeyAsync(string objectId, CancellationToken cancellationToken)
    {
        CheckId(objectId);
        var dataKey = RandomNumberGenerator.GetBytes(EncryptedChunk.KeySize);
        try
        {
            var kekId = keys.CurrentKeyId;
            var wrapped = await keys.WrapAsync(objectId, dataKey, cancellationToken).ConfigureAwait(false);
            var epoch = cache.Epoch;
            if (!await table.InsertAsync(objectId, wrapped, kekId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException($"'{objectId}' already has a data key (or had one, destroyed): an object has one key for life.");
            cache.Add(objectId, dataKey, epoch);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(part, 1);
        var key = await DataKeyAsync(objectId, cancellationToken).ConfigureAwait(false);
        try
        {
            return new EncryptingStream(key, Encoding.UTF8.GetBytes(objectId), part, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public async Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = await DataKeyAsync(objectId, cancellationToken).ConfigureAwait(false);
        try
        {
            return new DecryptingStream(key, objectId, Encoding.UTF8.GetBytes(objectId), source);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public async Task ShredAsync(string objectId, CancellationToken cancellationToken)
    {
        CheckId(objectId);
        // The row first, then the cache: a read that fetched the key before the row changed cannot put it back (epoch).
        await table.DestroyAsync(objectId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        cache.Evict(objectId);
        LogShredded(logger, objectId);
    }

    public async Task<int> RotateAsync(CancellationToken cancellationToken)
    {
        var current = keys.CurrentKeyId;
        var rewrapped = 0;
        var after = "";
        while (true)
        {
            var batch = await table.ListNotWrappedByAsync(current, after, rotationBatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var row in batch)
            {
                // Readers keep using the old wrapping until the row changes, and the old KEK stays configured until
                // the rotation is done, so every key stays readable throughout.
                var dataKey = await keys.UnwrapAsync(row.ObjectId, row.KekId!, row.WrappedKey!, cancellationToken).ConfigureAwait(false);
                try
                {
                    var wrapped = await keys.WrapAsync(row.ObjectId, dataKey, cancellationToken).ConfigureAwait(false);
                    if (await table.RewrapAsync(row.ObjectId, row.KekId!, wrapped, current, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                        rewrapped++;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(dataKey);
                }
            }
            if (batch.Count < rotationBatchSize) break;
            after = batch[^1].ObjectId;
        }
        LogRotated(logger, rewrapped, current);
        return rewrapped;
    }

    /// <summary>How many live data keys each KEK wraps.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountByKeyAsync(CancellationToken cancellationToken) => table.CountByKekAsync(cancellationToken);

    /// <summary>The id of the KEK that wraps new keys.</summary>
    public string CurrentKeyId => keys.CurrentKeyId;

    private async Task<byte[]> DataKeyAsync(string objectId, CancellationToken cancellationToken)
    {
        CheckId(objectId);
        if (cache.TryGet(objectId) is { } cached) return cached;
        var epoch = cache.Epoch;
        var row = await table.FindAsync(objectId, cancellationToken).ConfigureAwait(false) ?? throw new DataKeyNotFoundException(objectId);
        if (row.Destroyed) throw new DataKeyDestroyedException(objectId);
        var key = await keys.UnwrapAsync(objectId, row.KekId!, row.WrappedKey!, cancellationToken).ConfigureAwait(false);
        cache.Add(objectId, key, epoch);
        return key;
    }

    private static void CheckId(string objectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectId);
        if (objectId.Length > MaxObjectIdLength) throw new ArgumentException($"An object id is at most {MaxObjectIdLength} characters.", nameof(objectId));
    }

    [LoggerMessage(1601, LogLevel.Information, "Data key of {ObjectId} destroyed (crypto-shredded)")]
    private static partial void LogShredded(ILogger logger, string objectId);

    [LoggerMessage(1602, LogLevel.Information, "Encryption key rotation: {Count} data keys re-wrapped with {KeyId}")]
    private static partial void LogRotated(ILogger logger, int count, string keyId);
}
