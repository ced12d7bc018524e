using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Loads the console's key ring at start, as Data Protection's own hosted service would, but on the thread pool. Data
/// Protection's interface is synchronous, and <see cref="ConsoleKeyRing"/> waits on the database for it; the host runs
/// its services' starts wherever the previous one's last await resumed, which with <see cref="Hosting.IoThreads"/> can
/// be a socket I/O thread, and a wait there for a socket that thread serves never ends. After this load Data
/// Protection refreshes the ring in the background, so requests do not wait for it.
/// </summary>
internal sealed partial class ConsoleKeyRingWarmup(IKeyRingProvider keyRing, ILogger<ConsoleKeyRingWarmup> logger) : IHostedService
{
    /// <summary>Data Protection's own eager loader, which this replaces (an internal type, found by name).</summary>
    internal const string ReplacedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Removes Data Protection's eager loader. Every <c>AddDataProtection</c> adds it back where it is missing, so this
    /// runs once all services are added.
    /// </summary>
    public static void RemoveEagerLoader(IServiceCollection services)
    {
        foreach (var eager in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == ReplacedService).ToList())
            services.Remove(eager);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(keyRing.GetCurrentKeyRing, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // As Data Protection's own loader: the ring is loaded again at its first use, and that failure is the one to see.
            LogNotLoaded(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "The console's key ring could not be loaded at start; it is loaded again at its first use")]
    private static partial void LogNotLoaded(ILogger logger, Exception exception);
}
