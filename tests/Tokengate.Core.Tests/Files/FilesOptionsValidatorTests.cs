using Tokengate.Secrets;

namespace Tokengate.Files;

public sealed class FilesOptionsValidatorTests
{
    // PATH is set wherever the tests run: a resolvable env: reference without a secret.
    private static readonly FilesOptionsValidator Validator = new(new EnvironmentSecretResolver());

    private static FilesOptions Azure(Action<AzureBlobOptions> configure)
    {
        var options = new FilesOptions { Store = BlobStoreKind.AzureBlob };
        configure(options.AzureBlob);
        return options;
    }

    [Fact]
    public void Validate_Defaults_Succeeds_WithTheFolderStore()
    {
        var options = new FilesOptions();

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal((BlobStoreKind.Folder, null, "tokengate"), (options.Store, options.Folder, options.AzureBlob.Container));
    }

    [Fact]
    public void Validate_AzureBlobWithAConnectionStringReference_Succeeds()
    {
        Assert.True(Validator.Validate(null, Azure(a => a.ConnectionString = "env:PATH")).Succeeded);
    }

    [Fact]
    public void Validate_AzureBlobWithAServiceUriIdentityAndVersion_Succeeds()
    {
        var options = Azure(a =>
        {
            a.ServiceUri = "https://contoso.blob.core.windows.net";
            a.Container = "gateway-files-1";
            a.ManagedIdentityClientId = "5b1c7f1e-1f5b-4b43-9d0a-0f6a1f2f3c4d";
            a.ServiceVersion = AzureBlobStore.EmulatorServiceVersion;
        });

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(null, null, "Tokengate:Files:AzureBlob: AzureBlob needs ConnectionString")]
    [InlineData("env:PATH", "https://contoso.blob.core.windows.net", "Tokengate:Files:AzureBlob: give ConnectionString or ServiceUri, not both.")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k", null, "Tokengate:Files:AzureBlob:ConnectionString: must be a secret reference")]
    [InlineData("env:TOKENGATE_NO_SUCH_VARIABLE_FOR_BLOBS", null, "Tokengate:Files:AzureBlob:ConnectionString: the environment variable")]
    [InlineData(null, "http://contoso.blob.core.windows.net", "Tokengate:Files:AzureBlob:ServiceUri: must be an https URL")]
    [InlineData(null, "https://contoso.blob.core.windows.net/?sv=2024&sig=x", "Tokengate:Files:AzureBlob:ServiceUri: must be an https URL")]
    [InlineData(null, "contoso", "Tokengate:Files:AzureBlob:ServiceUri: must be an https URL")]
    public void Validate_AzureBlobCredentials_NamesThePath(string? connectionString, string? serviceUri, string expected)
    {
        var result = Validator.Validate(null, Azure(a => (a.ConnectionString, a.ServiceUri) = (connectionString, serviceUri)));

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Files")]
    [InlineData("-files")]
    [InlineData("files-")]
    [InlineData("my--files")]
    [InlineData("my_files")]
    public void Validate_BadContainer_NamesThePath(string container)
    {
        var result = Validator.Validate(null, Azure(a => (a.ConnectionString, a.Container) = ("env:PATH", container)));

        Assert.True(result.Failed);
        Assert.StartsWith("Tokengate:Files:AzureBlob:Container:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-06-6")]
    [InlineData("2001-01-01")]
    [InlineData("latest")]
    [InlineData("V2026_06_06")]
    public void Validate_UnknownServiceVersion_NamesThePath(string version)
    {
        var result = Validator.Validate(null, Azure(a => (a.ConnectionString, a.ServiceVersion) = ("env:PATH", version)));

        Assert.True(result.Failed);
        Assert.StartsWith("Tokengate:Files:AzureBlob:ServiceVersion:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyFolder_NamesThePath()
    {
        var result = Validator.Validate(null, new FilesOptions { Folder = " " });

        Assert.True(result.Failed);
        Assert.StartsWith("Tokengate:Files:Folder:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AzureSettingsWithTheFolderStore_AreNotChecked()
    {
        var options = new FilesOptions { AzureBlob = { Container = "X", ServiceUri = "nonsense" } };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }
}
