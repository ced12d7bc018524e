using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tokengate.Storage;

/// <summary>
/// Brings the schema up to date before the gateway serves: every migration of every feature that is not yet in
/// <c>schema_migrations</c> runs in id order. Instances that start together take turns: PostgreSQL through an
/// advisory lock, SQLite through one write transaction (<c>BEGIN IMMEDIATE</c>) around the whole run.
/// </summary>
internal sealed partial class MigrationRunner(IDatabase database, IEnumerable<IMigrationSource> sources, TimeProvider time, ILogger<MigrationRunner> logger) : IHostedService
{
    // Any fixed number works; it only has to be the same for every Tokengate instance.
    private const long AdvisoryLockKey = 0x546F6B656E67;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrations = sources.SelectMany(s => s.Migrations).OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var duplicate = migrations.GroupBy(m => m.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Migration id '{duplicate.Key}' is defined twice.");

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var postgres = database.Provider == DatabaseProvider.PostgreSql;
        if (postgres) await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken).ConfigureAwait(false);

            // SQLite: Microsoft.Data.Sqlite begins transactions IMMEDIATE, so the write lock is held before reading
            // what is applied; a failing migration rolls back the whole run.
            DbTransaction? runLock = postgres ? null : await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (runLock)
            {
                var applied = await AppliedAsync(connection, runLock, cancellationToken).ConfigureAwait(false);
                foreach (var migration in migrations)
                {
                    if (applied.Contains(migration.Id)) continue;
                    var transaction = runLock ?? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, migration.SqlFor(database.Provider), cancellationToken).ConfigureAwait(false);
                    await using (var record = connection.CreateCommand())
                    {
                        record.Transaction = transaction;
                        record.CommandText = "INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)";
                        record.AddParameter("@id", migration.Id)
                            .AddParameter("@at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    if (runLock is null)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        await transaction.DisposeAsync().ConfigureAwait(false);
                    }
                    LogApplied(logger, migration.Id, database.Provider);
                }
                if (runLock is not null) await runLock.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (postgres) await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<HashSet<string>> AppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) applied.Add(reader.GetString(0));
        return applied;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "Applied migration {Id} on {Provider}")]
    private static partial void LogApplied(ILogger logger, string id, DatabaseProvider provider);
}
