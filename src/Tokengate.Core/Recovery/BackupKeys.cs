using Tokengate.Encryption;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// The backup data key that encrypts a database snapshot. It is made and used through <see cref="IEnvelopeEncryption"/>
/// like every other data key, but over a scratch key table in a temporary folder rather than the gateway's own (the
/// snapshot cannot hold the key it is encrypted under); the manifest keeps the wrapped key and its KEK id, and a
/// restore puts that one row back into a scratch table to decrypt.
/// </summary>
internal static class BackupKeys
{
    /// <summary>Makes a data key for <paramref name="objectId"/>; returns encryption under it and the key as the manifest keeps it.</summary>
    public static async Task<(IEnvelopeEncryption Encryption, string WrappedKey, string KekId)> CreateAsync(
        RecoveryServices services, string scratchFolder, string objectId, CancellationToken cancellationToken)
    {
        var (database, encryption) = await ScratchAsync(services, scratchFolder, cancellationToken).ConfigureAwait(false);
        await encryption.CreateKeyAsync(objectId, cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT wrapped_key, kek_id FROM encryption_keys WHERE object_id = @id";
        command.AddParameter("@id", objectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new RecoveryException($"The backup data key {objectId} was not stored.");
        return (encryption, Convert.ToBase64String((byte[])reader.GetValue(0)), reader.GetString(1));
    }

    /// <summary>Encryption that can decrypt what the manifest's database entry was encrypted under (if the configured KEKs can unwrap its key).</summary>
    public static async Task<IEnvelopeEncryption> OpenAsync(RecoveryServices services, string scratchFolder, BackupDatabaseEntry entry, CancellationToken cancellationToken)
    {
        var (database, encryption) = await ScratchAsync(services, scratchFolder, cancellationToken).ConfigureAwait(false);
        byte[] wrapped;
        try
        {
            wrapped = Convert.FromBase64String(entry.WrappedKey);
        }
        catch (FormatException ex)
        {
            throw new RecoveryException("The manifest's wrapped backup key is not base64.", ex);
        }
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO encryption_keys (object_id, wrapped_key, kek_id, created_at) VALUES (@id, @key, @kek, @at)";
        command.AddParameter("@id", entry.KeyObjectId).AddParameter("@key", wrapped).AddParameter("@kek", entry.KekId)
            .AddParameter("@at", DbTimestamps.ToDb(services.Time.GetUtcNow(), DatabaseProvider.Sqlite));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return encryption;
    }

    private static async Task<(IDatabase Database, IEnvelopeEncryption Encryption)> ScratchAsync(RecoveryServices services, string folder, CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(folder);
        await services.MigrateAsync(database, cancellationToken).ConfigureAwait(false);
        return (database, services.EncryptionOver(database));
    }
}
