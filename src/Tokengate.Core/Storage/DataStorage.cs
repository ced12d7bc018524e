using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Storage;

/// <summary>Registers the database chosen by <see cref="DataOptions"/> and the migration runner.</summary>
internal static class DataStorage
{
    public static IServiceCollection AddDataStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<DataOptions>, DataOptionsValidator>();
        services.AddOptions<DataOptions>().Configure(o => configuration.GetSection(DataOptions.SectionName).Bind(o)).ValidateOnStart();
        services.TryAddSingleton<IDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            return options.Provider == DatabaseProvider.PostgreSql
                ? new PostgresDatabase(sp.GetRequiredService<ISecretResolver>().Resolve(options.ConnectionString!))
                : new SqliteDatabase(options.Directory);
        });
        services.AddHostedService<MigrationRunner>();
        return services;
    }
}
