using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tokengate.Encryption;
using Tokengate.Files;
using Tokengate.Hosting;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// The gateway's own stores, built from the same configuration <c>serve</c> reads and the same registrations, so a
/// backup sees what the gateway sees: the database, the blob store, and envelope encryption with the configured
/// key-encryption keys. A second blob store for the target and an encryption instance over another database's key
/// table (a snapshot's, or a scratch one) are the same registrations with the configuration or the database
/// replaced: no second client of any store is written here.
/// </summary>
internal sealed class RecoveryServices(IConfiguration configuration, Action<IServiceCollection>? configure = null) : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private ServiceProvider? _default;

    public IConfiguration Configuration => configuration;

    public DataOptions Data
    {
        get
        {
            var data = new DataOptions();
            configuration.GetSection(DataOptions.SectionName).Bind(data);
            return data;
        }
    }

    /// <summary>The gateway's database; for SQLite, refuses a data folder without one (it would create an empty one).</summary>
    public IDatabase OpenDatabase()
    {
        var data = Data;
        if (data.Provider == DatabaseProvider.Sqlite && !File.Exists(Path.Combine(Path.GetFullPath(data.Directory), SqliteDatabase.FileName)))
            throw new RecoveryException($"No Tokengate database in {Path.GetFullPath(data.Directory)}.");
        return Provider(configuration, null).GetRequiredService<IDatabase>();
    }

    /// <summary>The gateway's blob store.</summary>
    public IBlobStore OpenBlobStore() => Resolve<IBlobStore>(Provider(configuration, null), "a blob store (Tokengate:Files)");

    /// <summary>A blob store of the same kind the gateway uses, pointed at <paramref name="target"/>.</summary>
    public IBlobStore OpenTarget(BackupTarget target)
    {
        var overlay = target.Folder is not null
            ? new Dictionary<string, string?> { ["Tokengate:Files:Store"] = "Folder", ["Tokengate:Files:Folder"] = target.Folder }
            : new Dictionary<string, string?>
            {
                ["Tokengate:Files:Store"] = "AzureBlob",
                ["Tokengate:Files:AzureBlob:Container"] = target.Container,
                ["Tokengate:Files:AzureBlob:ConnectionString"] = "env:" + BackupTarget.ConnectionStringVariable,
                ["Tokengate:Files:AzureBlob:ServiceUri"] = null,
            };
        if (target.Container is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(BackupTarget.ConnectionStringVariable)))
            throw new RecoveryException($"{target}: set {BackupTarget.ConnectionStringVariable} to the storage account's connection string.");
        var config = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overlay).Build();
        return Resolve<IBlobStore>(Provider(config, null), "a blob store (Tokengate:Files)");
    }

    /// <summary>Envelope encryption over <paramref name="database"/>'s data-key table, with the configured key-encryption keys.</summary>
    public IEnvelopeEncryption EncryptionOver(IDatabase database) =>
        Resolve<IEnvelopeEncryption>(Provider(configuration, database), "envelope encryption (Tokengate:Encryption)");

    /// <summary>Brings <paramref name="database"/>'s schema up to date (a scratch key database, a restored snapshot).</summary>
    public async Task MigrateAsync(IDatabase database, CancellationToken cancellationToken)
    {
        var provider = Provider(configuration, database);
        var runner = new MigrationRunner(database, provider.GetServices<IMigrationSource>(), provider.GetRequiredService<TimeProvider>(),
            NullLogger<MigrationRunner>.Instance);
        await runner.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public TimeProvider Time => Provider(configuration, null).GetRequiredService<TimeProvider>();

    private ServiceProvider Provider(IConfiguration config, IDatabase? database)
    {
        var isDefault = database is null && ReferenceEquals(config, configuration);
        if (isDefault && _default is not null) return _default;
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (database is not null) services.AddSingleton(database);
        configure?.Invoke(services);
        services.AddGateway(config);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        if (isDefault) _default = provider;
        return provider;
    }

    private static T Resolve<T>(IServiceProvider provider, string what)
        where T : notnull
    {
        try
        {
            return provider.GetService<T>() ?? throw new RecoveryException($"This build of Tokengate has no {what}.");
        }
        catch (OptionsValidationException ex)
        {
            throw new RecoveryException("The configuration has errors: " + string.Join("; ", ex.Failures), ex);
        }
    }

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        _providers.Clear();
        _default = null;
    }
}
