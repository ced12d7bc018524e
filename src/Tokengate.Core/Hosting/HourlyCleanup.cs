using Microsoft.Extensions.Hosting;

namespace Tokengate.Hosting;

/// <summary>
/// A background clean-up that runs once shortly after start and then every hour on the <see cref="TimeProvider"/>
/// (ledger retention, expired affinity rows). The timer is made before the host finishes starting (after the
/// migrations), so no tick of a test clock is missed; a stop ends it quietly.
/// </summary>
internal abstract class HourlyCleanup(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private PeriodicTimer? _timer;

    /// <summary>The gateway's clock, for the passes' own cut-offs.</summary>
    protected TimeProvider Time { get; } = time;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(Interval, Time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One pass; it handles its own database errors (the next pass comes an hour later).</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer!;
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
