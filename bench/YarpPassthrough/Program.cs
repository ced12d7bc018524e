// A minimal YARP pass-through for bench/run: every request goes unchanged to the one backend named by --backend.
// Same host settings as Tokengate's GatewayServer (slim builder, no server header, warnings-only logging), so
// the difference between the two is the gateway's own work.
using System.Net;
using Yarp.ReverseProxy.Forwarder;

var builder = WebApplication.CreateSlimBuilder(args);
var backend = builder.Configuration["backend"] ?? throw new InvalidOperationException("--backend URL is required");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddHttpForwarder();

var app = builder.Build();
var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(10),
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var requestConfig = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) };

app.MapGet("/healthz", () => "ok");
app.Map("/{**rest}", async context =>
{
    var error = await forwarder.SendAsync(context, backend, client, requestConfig, HttpTransformer.Default);
    if (error != ForwarderError.None && !context.Response.HasStarted) context.Response.StatusCode = StatusCodes.Status502BadGateway;
});
app.Run();
