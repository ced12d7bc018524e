using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Files;

/// <summary>Checks <see cref="FilesOptions"/> on start, naming each bad field.</summary>
internal sealed class FilesOptionsValidator(ISecretResolver secrets) : IValidateOptions<FilesOptions>
{
    public ValidateOptionsResult Validate(string? name, FilesOptions options)
    {
        const string P = FilesOptions.SectionName;
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Store)) errors.Add($"{P}:Store: must be Folder or AzureBlob (was {options.Store}).");
        if (options.Folder is not null && string.IsNullOrWhiteSpace(options.Folder))
            errors.Add($"{P}:Folder: must not be empty when given (leave it out for 'blobs' in the data folder).");
        if (options.Store == BlobStoreKind.AzureBlob) ValidateAzureBlob(options.AzureBlob, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateAzureBlob(AzureBlobOptions azure, List<string> errors)
    {
        const string P = FilesOptions.SectionName + ":AzureBlob";
        var hasConnectionString = !string.IsNullOrWhiteSpace(azure.ConnectionString);
        var hasServiceUri = !string.IsNullOrWhiteSpace(azure.ServiceUri);
        if (hasConnectionString == hasServiceUri)
        {
            errors.Add(hasConnectionString
                ? $"{P}: give ConnectionString or ServiceUri, not both."
                : $"{P}: AzureBlob needs ConnectionString (a secret reference such as 'env:TOKENGATE_BLOBS') or ServiceUri (e.g. 'https://contoso.blob.core.windows.net', signed in with Entra ID).");
        }
        if (hasConnectionString && secrets.Check(azure.ConnectionString!) is { } problem) errors.Add($"{P}:ConnectionString: {problem}");
        if (hasServiceUri && !(Uri.TryCreate(azure.ServiceUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query)))
            errors.Add($"{P}:ServiceUri: must be an https URL without a query, such as 'https://contoso.blob.core.windows.net' (was '{azure.ServiceUri}').");
        if (!IsContainerName(azure.Container))
            errors.Add($"{P}:Container: must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (was '{azure.Container}').");
        if (azure.ManagedIdentityClientId is not null && !Guid.TryParse(azure.ManagedIdentityClientId, out _))
            errors.Add($"{P}:ManagedIdentityClientId: must be a client id (a GUID) when given.");
        if (!string.IsNullOrEmpty(azure.ServiceVersion) && !AzureBlobStore.TryParseServiceVersion(azure.ServiceVersion, out _))
            errors.Add($"{P}:ServiceVersion: '{azure.ServiceVersion}' is not a Blob service version this gateway knows; give one such as '{AzureBlobStore.EmulatorServiceVersion}', or leave it out for the newest.");
    }

    private static bool IsContainerName(string? container)
    {
        if (container is null || container.Length is < 3 or > 63) return false;
        for (var i = 0; i < container.Length; i++)
        {
            var c = container[i];
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) continue;
            if (c != '-' || i == 0 || i == container.Length - 1 || container[i - 1] == '-') return false;
        }
        return true;
    }
}
