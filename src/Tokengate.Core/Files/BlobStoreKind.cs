namespace Tokengate.Files;

/// <summary>Where stored bytes (files, upload parts, batch output, backups) live.</summary>
public enum BlobStoreKind
{
    /// <summary>Files in a folder on this machine (the default); one instance.</summary>
    Folder,

    /// <summary>A container in Azure Blob Storage, shared by every instance.</summary>
    AzureBlob,
}
