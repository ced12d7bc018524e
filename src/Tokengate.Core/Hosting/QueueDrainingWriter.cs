using Microsoft.Extensions.Hosting;

namespace Tokengate.Hosting;

/// <summary>
/// A background writer that drains a queue filled by requests. Its loop starts with the host, and it stops only after
/// the web server has (<see cref="IHostedLifecycleService.StoppedAsync"/>): the queue is completed then and the loop
/// awaited, so whatever requests queued during a graceful shutdown is written before the process exits.
/// </summary>
internal abstract class QueueDrainingWriter : IHostedLifecycleService
{
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        CompleteQueue();
        await _loop.ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once before the loop starts (e.g. opening a file it needs).</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads the queue until it is completed and empty.</summary>
    protected abstract Task RunAsync();

    /// <summary>Marks the queue complete: no more entries will come.</summary>
    protected abstract void CompleteQueue();
}
