using System.Collections.Frozen;
using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tokengate.State;
using Tokengate.Storage;

namespace Tokengate.Routing;

/// <summary>
/// Which backends operators drained. The database is the record (so a drain survives a restart, and a fleet on
/// PostgreSQL shares one); every instance keeps a frozen copy in memory that selection reads without locks or I/O,
/// and re-reads it when <see cref="StateChangeTopics.BackendDrains"/> is announced (Redis carries that to the fleet)
/// and at start, after the migrations.
/// </summary>
internal sealed partial class BackendDrainState(IDatabase database, IStateChangeNotifier notifier, TimeProvider time, ILogger<BackendDrainState> logger)
    : IHostedService, IDisposable
{
    private FrozenDictionary<string, BackendDrainRecord> _drained = FrozenDictionary<string, BackendDrainRecord>.Empty;
    private IDisposable? _subscription;

    /// <summary>True when the backend was drained (hot path: one dictionary lookup, no allocation).</summary>
    public bool IsDrained(Backend backend) => _drained.Count != 0 && _drained.ContainsKey(backend.Name);

    /// <summary>The drain of a backend, or null.</summary>
    public BackendDrainRecord? Find(string backend) => _drained.GetValueOrDefault(backend);

    /// <summary>Every drained backend.</summary>
    public IReadOnlyCollection<BackendDrainRecord> All => _drained.Values;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        _subscription = notifier.Subscribe(StateChangeTopics.BackendDrains, () => _ = ReloadInBackgroundAsync());
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Drains the backend (again: keeps the first drain's who and when); the fleet hears of it.</summary>
    public async Task<BackendDrainRecord> DrainAsync(string backend, string by, CancellationToken cancellationToken)
    {
        var record = new BackendDrainRecord(backend, by, time.GetUtcNow());
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO backend_drains (backend, drained_by, drained_at) VALUES (@backend, @by, @at) ON CONFLICT (backend) DO NOTHING";
            command.AddParameter("@backend", backend).AddParameter("@by", by).AddParameter("@at", DbTimestamps.ToDb(record.At, database.Provider));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await ChangedAsync(cancellationToken).ConfigureAwait(false);
        return Find(backend) ?? record;
    }

    /// <summary>Resumes the backend; false when it was not drained.</summary>
    public async Task<bool> ResumeAsync(string backend, CancellationToken cancellationToken)
    {
        int removed;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "DELETE FROM backend_drains WHERE backend = @backend";
            command.AddParameter("@backend", backend);
            removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await ChangedAsync(cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    /// <summary>Reads the drained backends from the database into the in-memory copy.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var drained = new Dictionary<string, BackendDrainRecord>(StringComparer.OrdinalIgnoreCase);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT backend, drained_by, drained_at FROM backend_drains";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            drained[reader.GetString(0)] = new BackendDrainRecord(reader.GetString(0), reader.GetString(1), DbTimestamps.Read(reader, 2));
        Apply(drained.Values);
    }

    /// <summary>Replaces the in-memory copy (what <see cref="ReloadAsync"/> read; tests give it directly).</summary>
    internal void Apply(IEnumerable<BackendDrainRecord> drained) =>
        _drained = drained.ToFrozenDictionary(d => d.Backend, StringComparer.OrdinalIgnoreCase);

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        // This instance applies the change before answering; the others re-read when the announcement reaches them.
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        await notifier.PublishAsync(StateChangeTopics.BackendDrains, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            LogReloadFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(2501, LogLevel.Warning, "Reading the drained backends failed ({Error}); keeping the last known list until the next change")]
    private static partial void LogReloadFailed(ILogger logger, string error);
}
