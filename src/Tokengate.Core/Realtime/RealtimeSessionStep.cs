using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

/// <summary>
/// The last step of a WebSocket operation, after identify, parse and authorize: a WebSocket request is required
/// (400 otherwise); the session is admitted (<see cref="RealtimeAdmission"/>), connected upstream with failover at the
/// handshake (<see cref="RealtimeConnector"/>), and only then is the client's upgrade accepted, with the subprotocol
/// the backend chose. Every refusal is an Azure-shaped HTTP error before any upgrade. The open session is relayed and
/// metered by <see cref="RealtimeSession"/> until either side closes it or the gateway ends it.
/// </summary>
internal sealed partial class RealtimeSessionStep(
    RealtimeAdmission admission, RealtimeConnector connector, RealtimeCredentialCheck credential, RealtimeMetrics metrics,
    IOptions<RealtimeOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<RealtimeSessionStep> logger)
{
    public async Task RunAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, feature, RealtimeErrors.NotWebSocket, rejected: false).ConfigureAwait(false);
            return;
        }

        var (meter, refusal) = await admission.AdmitAsync(feature, context.RequestAborted).ConfigureAwait(false);
        if (meter is null)
        {
            await RefuseAsync(context, feature, refusal!, rejected: true).ConfigureAwait(false);
            return;
        }

        try
        {
            var connection = await connector.ConnectAsync(feature, context.RequestAborted).ConfigureAwait(false);
            if (connection.Socket is not { } upstream)
            {
                await RefuseAsync(context, feature, connection.Error!, rejected: false).ConfigureAwait(false);
                return;
            }

            using (upstream)
            {
                WebSocket client;
                try
                {
                    client = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = upstream.SubProtocol }).ConfigureAwait(false);
                }
                catch
                {
                    upstream.Abort();
                    throw;
                }

                var pool = feature.Pool!.Name;
                metrics.Opened(pool);
                using (client)
                using (var session = new RealtimeSession(feature, client, upstream, meter, credential, options.Value, time, logger))
                {
                    try
                    {
                        await session.RunAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
                    }
                    finally
                    {
                        metrics.Ended(pool, session.Outcome);
                        feature.Outcome.ReportedUsage = meter.Total;
                        LogEnded(logger, feature.Consumer!.Name, pool, feature.Outcome.Backend!.Name, session.Outcome, meter.Settled);
                    }
                }
            }
        }
        finally
        {
            await meter.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task RefuseAsync(HttpContext context, GatewayRequestFeature feature, GatewayError error, bool rejected)
    {
        await error.WriteAsync(context).ConfigureAwait(false);
        await admission.RecordRefusedAsync(feature, error, rejected).ConfigureAwait(false);
    }

    [LoggerMessage(10, LogLevel.Debug, "Realtime session of {Consumer} on pool {Pool} via {Backend} ended ({Outcome}) after {Settled} settled responses")]
    private static partial void LogEnded(ILogger logger, string consumer, string pool, string backend, string outcome, int settled);
}
