using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.State;

namespace Tokengate.Identity;

/// <summary>
/// What <see cref="IConsumerKeyStore"/> answers on the request path: one frozen dictionary of every working key
/// (stored consumers, configured consumers and the local operator credential) held in memory and swapped whole.
/// Every lookup does the same work — hash the key, one dictionary probe, one expiry comparison — so a wrong, an
/// expired and a revoked key cannot be told apart by the answer or its timing. Expiry is checked at lookup time,
/// so a key stops working at its expiry without waiting for a reload. When the stored keys could not be re-read for
/// longer than <see cref="KeyStoreOptions.MaxStaleness"/>, keys that came from the database are refused (the same
/// answer as a wrong key) until a re-read succeeds; configured keys keep working.
/// </summary>
internal sealed partial class ConsumerDirectory : IConsumerKeyStore, IDisposable
{
    private readonly GatewayConfiguration _configuration;
    private readonly ConsumerStore _store;
    private readonly LocalOperatorCredential _localOperator;
    private readonly TimeProvider _time;
    private readonly IStateChangeNotifier _notifier;
    private readonly TimeSpan _maxStaleness;
    private readonly ILogger<ConsumerDirectory> _logger;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly Lock _buildLock = new();
    private IReadOnlyList<ActiveKeyRow> _stored = [];
    private volatile KeyTable _table = KeyTable.Empty;
    private long _loadedAtTicks;
    private int _staleReported;

    public ConsumerDirectory(
        GatewayConfiguration configuration, ConsumerStore store, LocalOperatorCredential localOperator, TimeProvider time, IStateChangeNotifier notifier,
        IOptions<KeyStoreOptions> options, ILogger<ConsumerDirectory> logger)
    {
        _maxStaleness = options.Value.MaxStaleness;
        _logger = logger;
        _loadedAtTicks = time.GetUtcNow().UtcTicks;
        _notifier = notifier;
        _configuration = configuration;
        _store = store;
        _localOperator = localOperator;
        _time = time;
        Rebuild();
        configuration.Reloaded += OnConfigurationReloaded;
    }

    public bool TryFind(ReadOnlySpan<char> key, out Consumer consumer)
    {
        Span<char> hex = stackalloc char[64];
        KeyHash.ComputeHex(key, hex);
        return TryFindHash(hex, out consumer);
    }

    /// <summary>
    /// Looks a key up by its upper-case hex SHA-256, with the same expiry and staleness rules as
    /// <see cref="TryFind"/>: for sessions that remember which key opened them, never the key itself.
    /// </summary>
    public bool TryFindHash(ReadOnlySpan<char> hex, out Consumer consumer)
    {
        var now = _time.GetUtcNow();
        var found = _table.Lookup.TryGetValue(hex, out var entry);
        var stale = IsStale(now);
        if (found && !(entry!.Stored && stale) && (entry.ExpiresAt is not { } expires || now < expires))
        {
            consumer = entry.Consumer;
            return true;
        }
        if (stale) ReportStale();
        consumer = null!;
        return false;
    }

    /// <summary>When the stored keys were last read successfully (at start, or by the last good re-read).</summary>
    public DateTimeOffset StoredKeysLoadedAt => new(Volatile.Read(ref _loadedAtTicks), TimeSpan.Zero);

    /// <summary>Whether stored keys are refused now because they could not be re-read for longer than <see cref="KeyStoreOptions.MaxStaleness"/>.</summary>
    public bool StoredKeysStale => IsStale(_time.GetUtcNow());

    /// <summary>Called after a failed re-read, so the moment stored keys stop working is logged even before anyone presents one.</summary>
    public void NoteRefreshFailed()
    {
        if (StoredKeysStale) ReportStale();
    }

    /// <summary>Names of consumers defined in configuration (they cannot also be created in the database).</summary>
    public IReadOnlySet<string> ConfiguredConsumers() =>
        Configured().Values.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Consumers defined in configuration that have at least one key.</summary>
    public IReadOnlyList<Consumer> ConfiguredConsumerList() =>
        Configured().Values.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

    /// <summary>Re-reads the stored keys and swaps in a new lookup. Concurrent calls run one after another, so the newest read wins.</summary>
    /// <summary>
    /// After a change made through this instance: re-read at once (so the change is in force before the caller gets
    /// its answer), then tell the other instances, which re-read on the notification.
    /// </summary>
    public async Task PublishChangeAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        await _notifier.PublishAsync(StateChangeTopics.Consumers, cancellationToken).ConfigureAwait(false);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The rows are as fresh as the moment the read began, which is what staleness is measured from.
            var readAt = _time.GetUtcNow();
            var rows = await _store.LoadActiveKeysAsync(cancellationToken).ConfigureAwait(false);
            lock (_buildLock) _stored = rows;
            Rebuild();
            Volatile.Write(ref _loadedAtTicks, readAt.UtcTicks);
            if (Interlocked.Exchange(ref _staleReported, 0) == 1) LogFreshAgain(_logger);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public void Dispose()
    {
        _configuration.Reloaded -= OnConfigurationReloaded;
        _refreshGate.Dispose();
    }

    private void OnConfigurationReloaded(GatewaySnapshot snapshot) => Rebuild();

    private FrozenDictionary<string, Consumer> Configured() =>
        _configuration.Current.Consumers is ConfiguredConsumerKeyStore configured ? configured.ByHash : FrozenDictionary<string, Consumer>.Empty;

    private void Rebuild()
    {
        lock (_buildLock)
        {
            var entries = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
            foreach (var (hash, consumer) in Configured()) entries[hash] = new KeyEntry(consumer, null);

            var consumers = new Dictionary<string, Consumer>(StringComparer.Ordinal);
            foreach (var row in _stored)
            {
                if (!consumers.TryGetValue(row.ConsumerName, out var consumer))
                {
                    consumer = new Consumer(row.ConsumerName, row.Group, row.Roles.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
                    consumers[row.ConsumerName] = consumer;
                }
                entries[row.HashHex] = new KeyEntry(consumer, row.ExpiresAt, Stored: true);
            }

            if (_localOperator.Enabled) entries[_localOperator.HashHex] = new KeyEntry(_localOperator.Consumer, null);
            _table = new KeyTable(entries.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    private bool IsStale(DateTimeOffset now) => now.UtcTicks - Volatile.Read(ref _loadedAtTicks) > _maxStaleness.Ticks;

    private void ReportStale()
    {
        if (Interlocked.Exchange(ref _staleReported, 1) == 0) LogStale(_logger, _maxStaleness, StoredKeysLoadedAt);
    }

    [LoggerMessage(1, LogLevel.Error, "Stored consumer keys could not be re-read for longer than {MaxStaleness} (last read {LoadedAt:O}); keys from the database are refused until the database can be read again, configured keys keep working")]
    private static partial void LogStale(ILogger logger, TimeSpan maxStaleness, DateTimeOffset loadedAt);

    [LoggerMessage(2, LogLevel.Information, "Stored consumer keys were re-read; keys from the database work again")]
    private static partial void LogFreshAgain(ILogger logger);
}
