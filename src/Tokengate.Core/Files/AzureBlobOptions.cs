namespace Tokengate.Files;

/// <summary>
/// The Azure Blob Storage container behind <see cref="BlobStoreKind.AzureBlob"/> (<c>Tokengate:Files:AzureBlob</c>).
/// Give either <see cref="ConnectionString"/> or <see cref="ServiceUri"/>, not both.
/// </summary>
public sealed class AzureBlobOptions
{
    /// <summary>
    /// A secret reference (e.g. <c>env:TOKENGATE_BLOBS</c>) to a storage connection string (account key or SAS). The
    /// host it names must be allowed by <c>Tokengate:Outbound:AllowedHosts</c>: the gateway cannot read it from the
    /// reference when it builds the default list.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The blob service endpoint, e.g. <c>https://contoso.blob.core.windows.net</c>, signed in to with the gateway's
    /// own Entra ID identity (<see cref="ManagedIdentityClientId"/>, else the default credential chain); the identity
    /// needs the <c>Storage Blob Data Contributor</c> role on the container. Its host joins the default outbound
    /// allowlist.
    /// </summary>
    public string? ServiceUri { get; set; }

    /// <summary>The container the blobs live in, created when missing. Default <c>tokengate</c>.</summary>
    public string Container { get; set; } = "tokengate";

    /// <summary>
    /// With <see cref="ServiceUri"/>: the client id of the user-assigned managed identity to sign in with. Default none:
    /// the default credential chain (a system-assigned identity, workload identity, or a developer sign-in).
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The Blob service REST version to speak, as <c>yyyy-MM-dd</c>. Default empty: the newest the client library
    /// knows (<c>2026-10-06</c> with Azure.Storage.Blobs 12.30.1). Set an older one for an emulator that refuses newer
    /// versions, e.g. <c>2026-06-06</c> for Azurite 3.37 started without <c>--skipApiVersionCheck</c>.
    /// </summary>
    public string? ServiceVersion { get; set; }
}
