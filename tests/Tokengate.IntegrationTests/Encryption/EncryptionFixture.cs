using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Encryption;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>
/// A migrated gateway database (SQLite in a temporary folder, or a given one) and local key files outside it, from which
/// a test builds <see cref="EnvelopeEncryption"/> instances under changing key configurations, as restarts would.
/// </summary>
internal sealed class EncryptionFixture : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tokengate-encryption-");
    private readonly IDatabase? _sqlite;

    private EncryptionFixture(IDatabase? database)
    {
        if (database is null) _sqlite = new SqliteDatabase(Path.Combine(_root.FullName, "data"));
        Database = database ?? _sqlite!;
    }

    public IDatabase Database { get; }

    public string KeysFolder => Path.Combine(_root.FullName, "keys");

    public static async Task<EncryptionFixture> CreateAsync(IDatabase? database = null)
    {
        var fixture = new EncryptionFixture(database);
        if (database is null)
            await new MigrationRunner(fixture.Database, [new EncryptionMigrations()], TimeProvider.System, NullLogger<MigrationRunner>.Instance).StartAsync(default);
        return fixture;
    }

    /// <summary>A local key file for <paramref name="id"/>, made on first use.</summary>
    public string KeyPath(string id)
    {
        var path = Path.Combine(KeysFolder, id + ".key");
        if (!File.Exists(path)) LocalKeyFile.Create(path);
        return path;
    }

    public EnvelopeEncryption Open(string current, string[] localKeys, int cacheSize = 100, int batchSize = 7, KeyVaultKeyClient? vault = null)
    {
        var settings = new EncryptionKeySettings(localKeys.ToDictionary(id => id, KeyPath), vault?.Key, current, IsDefault: false);
        return new EnvelopeEncryption(new DataKeyTable(Database), new KeyEncryptionKeys(settings, vault),
            new DataKeyCache(cacheSize, TimeSpan.FromMinutes(1), TimeProvider.System), batchSize, TimeProvider.System, NullLogger<EnvelopeEncryption>.Instance);
    }

    public static async Task<byte[]> EncryptAsync(IEnvelopeEncryption encryption, string objectId, byte[] plaintext, int part = 1)
    {
        var output = new MemoryStream();
        await using (var stream = await encryption.EncryptAsync(objectId, output, part, default))
            await stream.WriteAsync(plaintext);
        return output.ToArray();
    }

    public static async Task<byte[]> DecryptAsync(IEnvelopeEncryption encryption, string objectId, byte[] ciphertext)
    {
        await using var stream = await encryption.DecryptAsync(objectId, new MemoryStream(ciphertext), default);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlite is IAsyncDisposable disposable) await disposable.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }
}
