namespace Tokengate.Files;

/// <summary>
/// Where the gateway keeps the bytes it stores (<c>Tokengate:Files</c>): files consumers upload, upload parts, batch
/// output, backups. Always ciphertext (envelope-encrypted before it reaches the store). Read once at start.
/// </summary>
public sealed class FilesOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Files";

    /// <summary><see cref="BlobStoreKind.Folder"/> (default) or <see cref="BlobStoreKind.AzureBlob"/>.</summary>
    public BlobStoreKind Store { get; set; } = BlobStoreKind.Folder;

    /// <summary>
    /// With <see cref="BlobStoreKind.Folder"/>: the folder the blobs live in, created when missing. Default
    /// <c>blobs</c> in the data folder (<c>Tokengate:Data:Directory</c>). Keep it on the same file system as nothing
    /// else writes to: the store renames files into place.
    /// </summary>
    public string? Folder { get; set; }

    /// <summary>With <see cref="BlobStoreKind.AzureBlob"/>: the storage account and container.</summary>
    public AzureBlobOptions AzureBlob { get; set; } = new();
}
