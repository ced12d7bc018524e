using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.State;

namespace Tokengate.Settings;

/// <summary>
/// Reads the managed settings into their configuration layer before the gateway serves (right after the migrations),
/// then again whenever any instance announces a change (<see cref="StateChangeTopics.Settings"/>) and, as a safety net,
/// whenever the stored version moved (checked every <see cref="ManagedSettingsOptions.PollInterval"/>). A reload flows
/// through configuration like a file edit: <see cref="GatewayConfiguration"/> validates and swaps its snapshot.
/// </summary>
internal sealed partial class ManagedSettingsRefresher(
    ManagedSettingsStore store,
    ManagedSettingsProvider provider,
    GatewayConfiguration configuration,
    BudgetSeeder budgets,
    IStateChangeNotifier notifier,
    IOptions<ManagedSettingsOptions> options,
    TimeProvider time,
    ILogger<ManagedSettingsRefresher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IDisposable? _subscription;
    private int _refreshQueued;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // GatewayConfiguration takes its first snapshot from the options validated at start; it exists (it is a
        // dependency here) before the managed keys arrive, so their arrival is a reload it sees.
        _ = configuration.Current;
        await RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        _subscription = notifier.Subscribe(StateChangeTopics.Settings, OnSettingsChanged);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Reads the table when its version differs from the one held (always with <paramref name="force"/>) and puts the
    /// result in force; budgets that appeared are then seeded from the ledger before this returns, so a budget set
    /// below what was already spent refuses the very next request.
    /// </summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!force && await store.VersionAsync(cancellationToken).ConfigureAwait(false) == provider.Version) return;
            var settings = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (!force && settings.Version == provider.Version) return;
            provider.Replace(settings);
            LogLoaded(logger, settings.Values.Count, settings.Version);
        }
        finally
        {
            _gate.Release();
        }
        await budgets.SeedNewBudgetsAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await SafeRefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    // Notification handlers must return at once; a burst of announcements while one re-read is queued costs one.
    private void OnSettingsChanged()
    {
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            Interlocked.Exchange(ref _refreshQueued, 0);
            await SafeRefreshAsync(CancellationToken.None).ConfigureAwait(false);
        });
    }

    private async Task SafeRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(logger, ex);
        }
    }

    [LoggerMessage(2610, LogLevel.Information, "Managed settings loaded: {Count} keys at version {Version}")]
    private static partial void LogLoaded(ILogger logger, int count, long version);

    [LoggerMessage(2612, LogLevel.Warning, "Could not re-read the managed settings; the ones in force stay until a read succeeds")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
