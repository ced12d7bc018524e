using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Tokengate.Hosting;

/// <summary>
/// The gateway as a running web server on Kestrel: used by <c>tokengate serve</c>, <c>tokengate up</c> and the
/// integration tests, so all three run exactly the same host.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private GatewayServer(WebApplication app, Uri endpoint)
    {
        App = app;
        Endpoint = endpoint;
    }

    /// <summary>The running application (its services, lifetime and configuration).</summary>
    public WebApplication App { get; }

    /// <summary>The first address Kestrel bound, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Builds and starts a gateway. <paramref name="configure"/> adds configuration sources and services
    /// (a <see cref="TimeProvider"/> registered there replaces the system clock).
    /// </summary>
    public static async Task<GatewayServer> StartAsync(string urls, Action<WebApplicationBuilder>? configure = null, string[]? args = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        // Defaults under every other source: the gateway's own events at Information, but not ASP.NET Core's
        // per-request lines, which would cost more than the gateway itself on the hot path.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The gateway enforces its own, configurable body limit with an Azure-shaped 413.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        configure?.Invoke(builder);
        builder.Services.AddGateway(builder.Configuration);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGateway();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>Stops serving and waits for requests in flight to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
