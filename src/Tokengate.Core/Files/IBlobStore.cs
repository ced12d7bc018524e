namespace Tokengate.Files;

/// <summary>
/// Where stored bytes live: a folder in the data folder (<c>FolderBlobStore</c>), or an Azure Blob Storage
/// container. Bytes go in and out as streams, never whole in memory. Names are the gateway's own (no user input).
/// Every byte a consumer sent is encrypted before it reaches a store (<c>Encryption/EnvelopeEncryption</c>): a store
/// holds ciphertext only.
/// </summary>
internal interface IBlobStore
{
    /// <summary>Writes (or replaces) a blob from <paramref name="content"/>, read to its end.</summary>
    Task WriteAsync(string name, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Stages one block of a blob being assembled (a part of a resumable upload), read to the end of
    /// <paramref name="content"/>; staging the same <paramref name="blockId"/> again replaces it.
    /// </summary>
    Task StageBlockAsync(string name, string blockId, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the blob the staged blocks in this order, without copying their bytes twice where the store allows (a
    /// block blob's block list; a folder appends each block file once). Staged blocks not listed are dropped.
    /// </summary>
    Task CommitBlocksAsync(string name, IReadOnlyList<string> blockIds, CancellationToken cancellationToken);

    /// <summary>Drops the blocks staged for a blob that will not be committed (a cancelled or expired upload).</summary>
    Task DiscardBlocksAsync(string name, CancellationToken cancellationToken);

    /// <summary>The blob's bytes, or null when there is no such blob.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes the blob; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of the blobs under <paramref name="prefix"/> (backup, cleanup).</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);
}
