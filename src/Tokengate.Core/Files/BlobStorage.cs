using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tokengate.Proxy;
using Tokengate.Secrets;
using Tokengate.Storage;

namespace Tokengate.Files;

/// <summary>Registers the <see cref="IBlobStore"/> chosen by <see cref="FilesOptions"/>: a folder, or an Azure Blob Storage container.</summary>
internal static class BlobStorage
{
    /// <summary>The folder store's folder below the data folder when <see cref="FilesOptions.Folder"/> is not set.</summary>
    public const string DefaultFolderName = "blobs";

    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<FilesOptions>, FilesOptionsValidator>();
        services.AddOptions<FilesOptions>().Configure(o => configuration.GetSection(FilesOptions.SectionName).Bind(o)).ValidateOnStart();
        services.TryAddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FilesOptions>>().Value;
            return options.Store == BlobStoreKind.AzureBlob
                ? new AzureBlobStore(
                    AzureBlobStore.Connect(options.AzureBlob, sp.GetRequiredService<ISecretResolver>(), sp.GetRequiredService<OutboundHttpClient>()),
                    sp.GetRequiredService<TimeProvider>())
                : new FolderBlobStore(options.Folder ?? Path.Combine(sp.GetRequiredService<IOptions<DataOptions>>().Value.Directory, DefaultFolderName));
        });
        return services;
    }
}
