using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Tokengate.Proxy;
using Tokengate.Secrets;

namespace Tokengate.Files;

/// <summary>
/// Blobs as block blobs in one Azure Blob Storage container, shared by every instance. A staged block is one or more
/// Azure blocks (<see cref="AzureBlockId"/>: Put Block needs a length, and a block arrives as a stream of unknown
/// length, so it is sent in parts of <see cref="PartSize"/> bytes, one pooled buffer at a time);
/// <see cref="CommitBlocksAsync"/> is one Put Block List of those parts, so no byte is copied again. Writes are
/// <c>UploadAsync</c> (one Put Blob when small, parallel blocks when large); reads stream the download. Every
/// request goes through the <see cref="OutboundHttpClient"/>, so the storage host must be on the outbound allowlist.
/// </summary>
/// <remarks>
/// <see cref="DiscardBlocksAsync"/>: Azure has no call that drops uncommitted blocks. When no blob has been committed
/// under the name (the usual case: an upload that was never finished), the store commits an empty block list there
/// (only if no blob exists) and deletes that empty blob again: a Put Block List drops every uncommitted block it does
/// not name, at once. When a committed blob is there it is
/// left alone, and its uncommitted blocks expire on their own (Azure drops them a week after the last Put Block).
/// </remarks>
internal sealed class AzureBlobStore : IBlobStore
{
    /// <summary>The size of one Azure block of a staged block, and of one block of a large write.</summary>
    public const int PartSize = 4 * 1024 * 1024;

    /// <summary>The newest Blob service version Azurite 3.37 accepts without <c>--skipApiVersionCheck</c>.</summary>
    public const string EmulatorServiceVersion = "2026-06-06";

    private static readonly StorageTransferOptions WriteTransfer = new()
    {
        InitialTransferSize = PartSize,
        MaximumTransferSize = PartSize,
        MaximumConcurrency = 2,  // at most this many part buffers per write in memory
    };

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private Task? _containerReady;

    public AzureBlobStore(BlobContainerClient container, TimeProvider time)
    {
        _container = container;
        _time = time;
    }

    /// <summary>
    /// The container client for <paramref name="options"/>: a connection string (resolved now, so a rotated one takes a
    /// restart) or the service URI with the gateway's Entra ID identity; its HTTP calls, sign-in included, go through
    /// <paramref name="outbound"/>.
    /// </summary>
    public static BlobContainerClient Connect(AzureBlobOptions options, ISecretResolver secrets, OutboundHttpClient outbound)
    {
        var clientOptions = string.IsNullOrEmpty(options.ServiceVersion)
            ? new BlobClientOptions()
            : new BlobClientOptions(TryParseServiceVersion(options.ServiceVersion, out var version)
                ? version
                : throw new InvalidOperationException($"{FilesOptions.SectionName}:AzureBlob:ServiceVersion: '{options.ServiceVersion}' is not a known Blob service version."));
        clientOptions.Transport = new HttpClientTransport(outbound.CreateHttpClient());
        var service = !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new BlobServiceClient(secrets.Resolve(options.ConnectionString), clientOptions)
            : new BlobServiceClient(new Uri(options.ServiceUri!), AzureSignIn.Create(options.ManagedIdentityClientId, outbound), clientOptions);
        return service.GetBlobContainerClient(options.Container);
    }

    /// <summary>A <c>yyyy-MM-dd</c> Blob service version the client library knows.</summary>
    public static bool TryParseServiceVersion(string text, out BlobClientOptions.ServiceVersion version)
    {
        version = default;
        return text.Length == 10 && text[4] == '-' && text[7] == '-'
            && text.Replace("-", "", StringComparison.Ordinal).All(char.IsAsciiDigit)
            && Enum.TryParse("V" + text.Replace('-', '_'), ignoreCase: false, out version)
            && Enum.IsDefined(version);
    }

    public async Task WriteAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(name)
            .UploadAsync(content, new BlobUploadOptions { TransferOptions = WriteTransfer }, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task StageBlockAsync(string name, string blockId, Stream content, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        BlobName.ValidateBlockId(blockId);
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlockBlobClient(name);
        var ticks = _time.GetUtcNow().UtcTicks;
        var nonce = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);

        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        var next = new byte[1];
        try
        {
            var carried = false;
            for (var part = 0; ; part++)
            {
                if (part >= AzureBlockId.MaxParts) throw new InvalidOperationException($"Block '{blockId}' of blob '{name}' is too large.");
                var filled = 0;
                if (carried) buffer[filled++] = next[0];
                filled += await content.ReadAtLeastAsync(buffer.AsMemory(filled, PartSize - filled), PartSize - filled, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    // Only possible for the first part: the block is empty.
                    next[0] = 0;
                    await StagePartAsync(blob, new AzureBlockId(blockId, ticks, nonce, 0, AzureBlockPart.Empty), next, 1, cancellationToken).ConfigureAwait(false);
                    return;
                }
                // A full buffer may be the last one: one byte more says whether another part follows.
                carried = filled == PartSize && await content.ReadAsync(next, cancellationToken).ConfigureAwait(false) == 1;
                var kind = carried ? AzureBlockPart.More : AzureBlockPart.Last;
                await StagePartAsync(blob, new AzureBlockId(blockId, ticks, nonce, part, kind), buffer, filled, cancellationToken).ConfigureAwait(false);
                if (!carried) return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CommitBlocksAsync(string name, IReadOnlyList<string> blockIds, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(blockIds);
        foreach (var blockId in blockIds) BlobName.ValidateBlockId(blockId);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlockBlobClient(name);

        var staged = new Dictionary<string, List<AzureBlockId>>(StringComparer.Ordinal);
        try
        {
            var list = await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var block in list.Value.UncommittedBlocks)
            {
                if (!AzureBlockId.TryDecode(block.Name, out var id)) continue;
                if (!staged.TryGetValue(id.BlockId, out var parts)) staged[id.BlockId] = parts = [];
                parts.Add(id);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Nothing staged under this name.
        }

        var commit = new List<string>();
        foreach (var blockId in blockIds)
        {
            var parts = staged.TryGetValue(blockId, out var all) ? NewestComplete(all) : null;
            if (parts is null) throw new InvalidOperationException($"Block '{blockId}' of blob '{name}' was not staged.");
            foreach (var part in parts) commit.Add(part.Encode());
        }
        await blob.CommitBlockListAsync(commit, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task DiscardBlocksAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlockBlobClient(name);
        try
        {
            // The empty commit drops the uncommitted blocks; the conditions keep a committed blob (and one committed meanwhile) safe.
            var empty = await blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = empty.Value.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // A committed blob is there: its uncommitted blocks expire on their own.
        }
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var download = await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await _container.GetBlobClient(name)
            .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        return deleted.Value;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BlobName.ValidatePrefix(prefix);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
        await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
        {
            yield return item.Name;
        }
    }

    private static Task StagePartAsync(BlockBlobClient blob, AzureBlockId id, byte[] buffer, int count, CancellationToken cancellationToken) =>
        blob.StageBlockAsync(id.Encode(), new MemoryStream(buffer, 0, count, writable: false), cancellationToken: cancellationToken);

    // The newest staging of a block whose parts all arrived (an interrupted staging has no last part); its parts in order.
    private static List<AzureBlockId>? NewestComplete(List<AzureBlockId> parts)
    {
        foreach (var generation in parts.GroupBy(p => p.Generation).OrderByDescending(g => g.Key))
        {
            if (generation.Any(p => p.Kind == AzureBlockPart.Empty)) return [];
            var ordered = generation.DistinctBy(p => p.Part).OrderBy(p => p.Part).ToList();
            var complete = ordered[^1].Kind == AzureBlockPart.Last && ordered[^1].Part == ordered.Count - 1;
            if (complete) return ordered;
        }
        return null;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        var ready = Volatile.Read(ref _containerReady);
        if (ready is null)
        {
            // Not cancelled with one caller: every caller of the first moment waits on the same creation.
            var created = _container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            ready = Interlocked.CompareExchange(ref _containerReady, created, null) ?? created;
        }
        try
        {
            await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (ready.IsFaulted || ready.IsCanceled)
        {
            _ = Interlocked.CompareExchange(ref _containerReady, null, ready);  // try again on the next call
            throw;
        }
    }
}
