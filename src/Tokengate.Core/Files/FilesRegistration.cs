using Microsoft.Extensions.DependencyInjection;
using Tokengate.Storage;

namespace Tokengate.Files;

/// <summary>Registers the gateway's file store: its tables, catalog, and the file and upload services.</summary>
internal static class FilesRegistration
{
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, FilesMigrations>();
        services.AddSingleton<FileCatalog>();
        services.AddSingleton<FileService>();
        services.AddSingleton<UploadService>();
        services.AddHostedService<ExpiredFilesCleanup>();
        return services;
    }
}
