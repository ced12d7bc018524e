using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// <c>GET /openai/realtime?api-version=…&amp;deployment=…</c> (beta protocol) and <c>GET /openai/v1/realtime?model=…</c>
/// (GA protocol). Everything that can fail is answered over HTTP before the upgrade, in the order the other
/// operations apply it: api-version, credentials, deployment, model kind, the WebSocket itself, injected faults,
/// then admission (a throttled deployment answers 429 with <c>retry-after</c>). Then the session runs.
/// </summary>
internal sealed class RealtimeConnectHandler(
    SimulatorRuntime runtime,
    AdmissionGate gate,
    AnswerGenerator answers,
    RealtimeSessionLog sessions,
    ILogger<RealtimeConnectHandler> logger)
{
    // Realtime arrived with this preview; earlier versions have no /realtime route.
    private const string FirstRealtimeVersion = "2024-10-01";

    // A session lasts at most 30 minutes on the service; expires_at says when.
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(30);

    public Task ConnectAsync(HttpContext context, RealtimeDialect dialect) => GuardAsync(context, async () =>
    {
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        var apiVersion = "v1";
        if (dialect == RealtimeDialect.Beta)
        {
            string? requested = context.Request.Query["api-version"];
            if (string.IsNullOrEmpty(requested) || (ApiVersion.IsWellFormed(requested) && string.CompareOrdinal(requested, 0, FirstRealtimeVersion, 0, FirstRealtimeVersion.Length) < 0))
            {
                await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404", AzureErrors.ResourceNotFound);
                return;
            }

            if (!ApiVersion.IsWellFormed(requested))
            {
                await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "API version not supported");
                return;
            }

            apiVersion = requested;
        }

        if (!RealtimeCredentials.IsAuthorized(context.Request, runtime.Options.ApiKeys))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "401", AzureErrors.Unauthorized);
            return;
        }

        var parameter = dialect == RealtimeDialect.GA ? "model" : "deployment";
        string? name = context.Request.Query[parameter];
        if (string.IsNullOrEmpty(name))
        {
            await AzureErrors.WriteInvalidRequestAsync(context, $"Missing required parameter: '{parameter}'.", parameter, "missing_required_parameter");
            return;
        }

        if (!runtime.Deployments.TryGet(name, out var deployment))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "DeploymentNotFound", AzureErrors.DeploymentNotFound);
            return;
        }

        var call = new SimulatedCall(context, deployment, RealtimeOperation.Instance, apiVersion);
        context.Response.Headers["x-ms-deployment-name"] = deployment.Name;
        deployment.RecordReceived();
        if (call.Snapshot.IsBatch || call.Snapshot.Model.Kind != ModelKind.Realtime)
        {
            deployment.RecordFailed();
            await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "OperationNotSupported",
                AzureErrors.OperationNotSupported(RealtimeOperation.Instance.NotSupportedName, deployment.Name));
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(context, "The realtime API is served over WebSocket: send a WebSocket upgrade request.");
            return;
        }

        // A reset aborts here, before the 101; an injected status (429 included) answers instead of the upgrade.
        if (!await gate.PassFaultsAsync(call))
        {
            return;
        }

        // Opening a session is one request against the deployment's limits; responses are charged as they start.
        if (!await gate.TryAdmitAsync(call, standardCost: 0, provisionedEstimate: 0))
        {
            return;
        }

        var info = new RealtimeSessionInfo(RealtimeIds.Session(), call.Snapshot.Options.Model,
            runtime.Time.GetUtcNow().Add(SessionLifetime).ToUnixTimeSeconds(), apiVersion);
        var billing = new RealtimeBillingState(info.Id, deployment.Name, info.Model, dialect);
        var socket = await context.WebSockets.AcceptWebSocketAsync(RealtimeCredentials.SelectSubprotocol(context.Request));
        sessions.Add(billing);
        bool cut;
        using (var session = new RealtimeSession(socket, dialect, info, deployment, billing, runtime, gate, answers, logger))
        {
            cut = await session.RunAsync(context.RequestAborted);
        }

        if (cut)
        {
            // The socket is left as it is: disposing it would abort the connection and lose what is still queued.
            // Ending the request without a close frame makes Kestrel drop the connection after what was sent.
            throw new SimulatedStreamCutException();
        }

        socket.Dispose();
    });

    private async Task GuardAsync(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a fault aborted the connection).
        }
        catch (Exception exception) when (exception is not SimulatedStreamCutException && !context.Response.HasStarted)
        {
            SimulatorLog.RequestFailed(logger, exception);
            context.Response.Clear();
            ResponseHeaders.WriteCommon(context, runtime.Options.Region);
            await AzureErrors.WriteForStatusAsync(context, StatusCodes.Status500InternalServerError);
        }
    }
}
