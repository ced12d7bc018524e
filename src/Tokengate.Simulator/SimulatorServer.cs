using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Realtime;

namespace Tokengate.Simulator;

/// <summary>A standalone simulator on its own Kestrel listener, for tests, demos and benchmarks.</summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
        Control = app.Services.GetRequiredService<SimulatorControl>();
    }

    /// <summary>Base address the simulator listens on, ending in a slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>In-process equivalent of the control endpoint.</summary>
    public SimulatorControl Control { get; }

    /// <summary>The billed totals of this simulator's realtime sessions (also at <c>GET /_simulator/realtime/sessions</c>).</summary>
    internal RealtimeSessionLog RealtimeSessions => _app.Services.GetRequiredService<RealtimeSessionLog>();

    /// <summary>Starts a simulator listening on <paramref name="url"/> (port 0 picks a free port).</summary>
    /// <param name="options">Simulator settings.</param>
    /// <param name="url">Kestrel URL to bind. Default <c>http://127.0.0.1:0</c>.</param>
    /// <param name="timeProvider">Clock for windows, buckets and latency; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SimulatorServer> StartAsync(
        SimulatorOptions options,
        string url = "http://127.0.0.1:0",
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Injected mid-stream cuts surface in Kestrel as unhandled application errors; they are intended here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Critical);
        builder.Services.AddSimulator(options, timeProvider);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSimulator();
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
            SimulatorLog.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<SimulatorServer>(), endpoint);
            return new SimulatorServer(app, endpoint);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the listener and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
