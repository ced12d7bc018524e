using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>
/// Loads the stored keys before the gateway serves, then re-reads them every
/// <see cref="KeyStoreOptions.RefreshInterval"/> so that changes made by another instance or process are seen.
/// A failed re-read keeps the last good lookup in force.
/// </summary>
internal sealed partial class ConsumerDirectoryRefresher(
    ConsumerDirectory directory,
    IOptions<KeyStoreOptions> options,
    TimeProvider time,
    ILogger<ConsumerDirectoryRefresher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await directory.RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not re-read consumer keys; the previous keys stay in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
