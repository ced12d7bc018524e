using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.State;

namespace Tokengate.Identity;

/// <summary>
/// Loads the stored keys before the gateway serves, re-reads them at once when any instance announces a change of
/// consumers (with Redis, a revoked key is refused fleet-wide within a moment), and also every
/// <see cref="KeyStoreOptions.RefreshInterval"/> as a safety net for missed announcements and for changes made
/// straight in the database. A failed re-read keeps the last good lookup in force, for stored keys at most
/// <see cref="KeyStoreOptions.MaxStaleness"/>.
/// </summary>
internal sealed partial class ConsumerDirectoryRefresher(
    ConsumerDirectory directory,
    IStateChangeNotifier notifier,
    IOptions<KeyStoreOptions> options,
    TimeProvider time,
    ILogger<ConsumerDirectoryRefresher> logger) : BackgroundService
{
    private IDisposable? _subscription;
    private int _refreshQueued;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        _subscription = notifier.Subscribe(StateChangeTopics.Consumers, OnConsumersChanged);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    // Notification handlers must return at once: the re-read runs on the thread pool, and a burst of
    // announcements while one is queued costs a single re-read.
    private void OnConsumersChanged()
    {
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            Interlocked.Exchange(ref _refreshQueued, 0);
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        });
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(logger, ex);
            directory.NoteRefreshFailed();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not re-read consumer keys; the previous keys stay in force for at most Tokengate:KeyStore:MaxStaleness")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
