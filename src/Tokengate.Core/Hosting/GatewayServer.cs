using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.OpenAI;
using Tokengate.OperatorConsole;

namespace Tokengate.Hosting;

/// <summary>
/// The gateway as a running web server on Kestrel: used by <c>tokengate serve</c>, <c>tokengate up</c> and the
/// integration tests, so all three run exactly the same host.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private GatewayServer(WebApplication app, IReadOnlyList<Uri> endpoints)
    {
        App = app;
        Endpoints = endpoints;
        Endpoint = endpoints.FirstOrDefault(e => e.Scheme == Uri.UriSchemeHttp) ?? endpoints[0];
    }

    /// <summary>The running application (its services, lifetime and configuration).</summary>
    public WebApplication App { get; }

    // ASP.NET Core's property names for "UseAuthentication/UseAuthorization was called"; not public constants.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>The first plain-HTTP address Kestrel bound (else the first one), e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every address Kestrel bound, HTTPS ones included.</summary>
    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>
    /// Builds and starts a gateway. <paramref name="configure"/> adds configuration sources and services
    /// (a <see cref="TimeProvider"/> registered there replaces the system clock).
    /// </summary>
    public static async Task<GatewayServer> StartAsync(string urls, Action<WebApplicationBuilder>? configure = null, string[]? args = null, CancellationToken cancellationToken = default)
    {
        // appsettings.json is read next to the binary, as the configuration reference says. The content root is also
        // where ASP.NET Core watches for changes to it, recursively: left at the working directory, that watch would
        // see every write of a data folder created there (tokengate up) and wake on each ledger batch.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        // Defaults under every other source: the gateway's own events at Information, but not ASP.NET Core's
        // per-request lines, which would cost more than the gateway itself on the hot path.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                // While this category can log at all, ASP.NET Core starts an Activity and a log scope for every
                // request, and the outbound HTTP handler then a child Activity with tags for every backend call:
                // about a tenth of the gateway's allocations, for request lines it never writes at Warning.
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
            },
        });
        // Settings written through the admin API, right above the defaults: every file, environment variable and
        // command-line argument overrides them. Filled from the database once it is migrated (ManagedSettingsRefresher).
        builder.Configuration.Sources.Insert(1, new Settings.ManagedSettingsSource());
        builder.WebHost.UseUrls(urls);
        // The slim builder leaves HTTPS out; an https:// address takes its certificate from Kestrel's configuration
        // (Kestrel:Certificates:Default) or from the host (tokengate up's development certificate).
        builder.WebHost.UseKestrelHttpsConfiguration();
        // Requests run on the I/O threads when the runtime completes socket operations there (IoThreads).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = IoThreads.Inline);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The gateway enforces its own, configurable body limit with an Azure-shaped 413.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        configure?.Invoke(builder);
        builder.Services.AddGateway(builder.Configuration);

        var app = builder.Build();
        // Realtime sessions: the upgrade is accepted by the session step once the backend accepted its own. Before
        // routing, so a WebSocket over HTTP/2 (extended CONNECT) is routed as the GET it stands for.
        app.UseWebSockets();
        app.UseRouting();
        // Operator endpoints (admin API, metrics, dashboard) sign in through ASP.NET Core's schemes. The model routes
        // identify their consumer in the pipeline's own step 2 and carry no authorization metadata, so they skip both.
        app.UseWhen(context => context.GetEndpoint()?.Metadata.GetMetadata<GatewayRoute>() is null, operators =>
        {
            // Operator work reads the database synchronously (SQLite) and may wait on it: off the I/O threads.
            operators.UseThreadPool();
            // Everything off the model routes (operator endpoints, paths nothing serves, a method a route does not
            // take) leaves its errors in the Azure shape too; the model routes have ErrorBoundaryMiddleware.
            operators.UseMiddleware<HttpErrorShapeMiddleware>();
            operators.UseAuthentication();
            operators.UseAuthorization();
            // Console sessions ride on a cookie the browser adds by itself: changes need the session's CSRF token.
            operators.UseConsoleSignIn();
        });
        // WebApplication puts both middlewares in front of every request unless the root builder records that the
        // application added them; a branch writes to its own copy of the properties, so the marks are set here.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        app.MapGateway();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new GatewayServer(app, [.. addresses.Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))]);
    }

    /// <summary>Stops serving and waits for requests in flight to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
