using System.Collections.Frozen;
using Tokengate.Configuration;

using Tokengate.State;

namespace Tokengate.Identity;

/// <summary>
/// What <see cref="IConsumerKeyStore"/> answers on the request path: one frozen dictionary of every working key
/// (stored consumers, configured consumers and the local operator credential) held in memory and swapped whole.
/// Every lookup does the same work — hash the key, one dictionary probe, one expiry comparison — so a wrong, an
/// expired and a revoked key cannot be told apart by the answer or its timing. Expiry is checked at lookup time,
/// so a key stops working at its expiry without waiting for a reload.
/// </summary>
internal sealed class ConsumerDirectory : IConsumerKeyStore, IDisposable
{
    private readonly GatewayConfiguration _configuration;
    private readonly ConsumerStore _store;
    private readonly LocalOperatorCredential _localOperator;
    private readonly TimeProvider _time;
    private readonly IStateChangeNotifier _notifier;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly Lock _buildLock = new();
    private IReadOnlyList<ActiveKeyRow> _stored = [];
    private volatile KeyTable _table = KeyTable.Empty;

    public ConsumerDirectory(GatewayConfiguration configuration, ConsumerStore store, LocalOperatorCredential localOperator, TimeProvider time, IStateChangeNotifier notifier)
    {
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
        var now = _time.GetUtcNow();
        var found = _table.Lookup.TryGetValue(hex, out var entry);
        if (found && (entry!.ExpiresAt is not { } expires || now < expires))
        {
            consumer = entry.Consumer;
            return true;
        }
        consumer = null!;
        return false;
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
            var rows = await _store.LoadActiveKeysAsync(cancellationToken).ConfigureAwait(false);
            lock (_buildLock) _stored = rows;
            Rebuild();
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
                entries[row.HashHex] = new KeyEntry(consumer, row.ExpiresAt);
            }

            if (_localOperator.Enabled) entries[_localOperator.HashHex] = new KeyEntry(_localOperator.Consumer, null);
            _table = new KeyTable(entries.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }
}
