using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Media;
using Tokengate.Simulator.Responses;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Entry of every <c>/openai</c> request: request-id headers, api-version, credentials, body, deployment and operation
/// checks, in the order the service applies them; then the operation's responder.
/// </summary>
internal sealed class SimulatorRequestHandler(
    SimulatorRuntime runtime,
    CompletionsResponder completions,
    EmbeddingsResponder embeddings,
    ResponsesResponder responses,
    MediaResponder media,
    ILogger<SimulatorRequestHandler> logger)
{
    private const string V1ApiVersion = "v1";

    public Task ClassicAsync(HttpContext context, SimulatedOperation operation) =>
        GuardAsync(context, () => HandleAsync(context, operation, context.Request.RouteValues["deployment"] as string, ApiVersionRule.Dated));

    public Task V1Async(HttpContext context, SimulatedOperation operation) =>
        GuardAsync(context, () => HandleAsync(context, operation, routeDeployment: null, ApiVersionRule.V1));

    /// <summary>Responses create: the deployment in the body on both families; the preview route needs a dated version.</summary>
    public Task ResponsesAsync(HttpContext context, ApiVersionRule rule) =>
        GuardAsync(context, () => HandleAsync(context, SimulatedOperation.Responses, routeDeployment: null, rule));

    /// <summary>
    /// A call on the resource rather than a deployment (a stored response's lifecycle): the same headers, api-version
    /// and credential checks, then <paramref name="handle"/>.
    /// </summary>
    public Task ResourceAsync(HttpContext context, ApiVersionRule rule, Func<HttpContext, Task> handle) => GuardAsync(context, async () =>
    {
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        if (await CheckApiVersionAsync(context, rule) is null)
        {
            return;
        }

        if (!CredentialCheck.IsAuthorized(context.Request, runtime.Options.ApiKeys))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "401", AzureErrors.Unauthorized);
            return;
        }

        await handle(context);
    });

    public Task ListModelsAsync(HttpContext context) => GuardAsync(context, async () =>
    {
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        if (!CredentialCheck.IsAuthorized(context.Request, runtime.Options.ApiKeys))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "401", AzureErrors.Unauthorized);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var w = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            w.WriteStartObject();
            w.WriteString("object"u8, "list"u8);
            w.WriteStartArray("data"u8);
            foreach (var name in runtime.Deployments.Names)
            {
                var snapshot = runtime.Deployments.Get(name).Snapshot;
                w.WriteStartObject();
                w.WriteString("id"u8, name);
                w.WriteString("object"u8, "model"u8);
                w.WriteNumber("created"u8, 0);
                w.WriteString("owned_by"u8, "system"u8);
                w.WriteString("model"u8, snapshot.Options.Model);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
        }
        finally
        {
            JsonWriterCache.Return(w);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    });

    public Task NotFoundAsync(HttpContext context)
    {
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        return AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404", AzureErrors.ResourceNotFound);
    }

    /// <summary>The api-version the request runs under, or null after answering the error its absence or form earns.</summary>
    private async Task<string?> CheckApiVersionAsync(HttpContext context, ApiVersionRule rule)
    {
        if (rule == ApiVersionRule.V1)
        {
            // v1 routes need no version; early previews sent ?api-version=preview, which is tolerated and ignored.
            return V1ApiVersion;
        }

        string? apiVersion = context.Request.Query["api-version"];
        if (string.IsNullOrEmpty(apiVersion))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404", AzureErrors.ResourceNotFound);
            return null;
        }

        if (!ApiVersion.IsWellFormed(apiVersion))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "API version not supported");
            return null;
        }

        // Versions older than the Responses API do not have its routes at all.
        if (rule == ApiVersionRule.ResponsesPreview && !ApiVersion.HasResponses(apiVersion))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404", AzureErrors.ResourceNotFound);
            return null;
        }

        if (!ApiVersion.IsFamiliar(apiVersion))
        {
            SimulatorLog.UnfamiliarApiVersion(logger, apiVersion);
        }

        return apiVersion;
    }

    private async Task HandleAsync(HttpContext context, SimulatedOperation operation, string? routeDeployment, ApiVersionRule rule)
    {
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        if (await CheckApiVersionAsync(context, rule) is not { } apiVersion)
        {
            return;
        }

        if (!CredentialCheck.IsAuthorized(context.Request, runtime.Options.ApiKeys))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "401", AzureErrors.Unauthorized);
            return;
        }

        if (operation.Multipart)
        {
            await HandleFormAsync(context, operation, routeDeployment, apiVersion);
            return;
        }

        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;

            // Deployment routes ignore the body's model; v1 routes take the deployment from it (reference §1.5).
            var name = routeDeployment;
            if (name is null)
            {
                if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(model.GetString()))
                {
                    await AzureErrors.WriteInvalidRequestAsync(context, "Missing required parameter: 'model'.", "model", "missing_required_parameter");
                    return;
                }

                name = model.GetString()!;
            }

            if (!runtime.Deployments.TryGet(name, out var deployment))
            {
                await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "DeploymentNotFound", AzureErrors.DeploymentNotFound);
                return;
            }

            await HandleDeploymentAsync(new SimulatedCall(context, deployment, operation, apiVersion), root);
        }
    }

    /// <summary>Multipart operations (uploads): the deployment from the route, or on v1 from the form's <c>model</c> field.</summary>
    private async Task HandleFormAsync(HttpContext context, SimulatedOperation operation, string? routeDeployment, string apiVersion)
    {
        if (await MediaForm.ReadAsync(context) is not { } form)
        {
            return;
        }

        var name = routeDeployment ?? form.Field("model");
        if (string.IsNullOrEmpty(name))
        {
            await AzureErrors.WriteInvalidRequestAsync(context, "Missing required parameter: 'model'.", "model", "missing_required_parameter");
            return;
        }

        if (!runtime.Deployments.TryGet(name, out var deployment))
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "DeploymentNotFound", AzureErrors.DeploymentNotFound);
            return;
        }

        var call = new SimulatedCall(context, deployment, operation, apiVersion);
        if (await PassDeploymentChecksAsync(call, form.ContainsText))
        {
            await media.HandleFormAsync(call, form);
        }
    }

    private async Task HandleDeploymentAsync(SimulatedCall call, JsonElement root)
    {
        string? raw = null;
        if (!await PassDeploymentChecksAsync(call, marker => (raw ??= root.GetRawText()).Contains(marker, StringComparison.Ordinal)))
        {
            return;
        }

        if (call.Operation == SimulatedOperation.Responses)
        {
            await responses.HandleAsync(call, root);
        }
        else if (call.Operation.Kind == ModelKind.Embeddings)
        {
            await embeddings.HandleAsync(call, root);
        }
        else if (call.Operation.Kind is ModelKind.Image or ModelKind.Speech)
        {
            await media.HandleJsonAsync(call, root);
        }
        else
        {
            await completions.HandleAsync(call, root);
        }
    }

    /// <summary>
    /// What every routed request goes through before its operation: the deployment headers, the received count, the
    /// model/operation match and the content fault rules (<paramref name="contains"/> looks for a marker in the
    /// request's content). Returns false after answering.
    /// </summary>
    private async Task<bool> PassDeploymentChecksAsync(SimulatedCall call, Func<string, bool> contains)
    {
        var response = call.Context.Response;
        response.Headers["x-ms-deployment-name"] = call.Deployment.Name;
        if (call.Snapshot.IsProvisioned)
        {
            ResponseHeaders.WriteUtilization(response, call.Deployment.Bucket.UtilizationPercent(runtime.NowTicks, call.Snapshot.CapacityPerMinute));
        }

        call.Deployment.RecordReceived();
        // A batch deployment answers a live call as a deployment of the wrong model kind does (seen on Global-Batch).
        if (call.Snapshot.IsBatch || call.Snapshot.Model.Kind != call.Operation.Kind || !MediaOperations.IsServedBy(call.Snapshot.Model, call.Operation))
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteAsync(call.Context, StatusCodes.Status400BadRequest, "OperationNotSupported",
                AzureErrors.OperationNotSupported(call.Operation.NotSupportedName, call.Deployment.Name));
            return false;
        }

        if (ContentError(call.Snapshot.Options.Faults, contains) is int status)
        {
            SimulatorLog.FaultInjected(logger, $"status {status} for the request's content", call.Deployment.Name);
            call.Deployment.RecordFailed();
            await AzureErrors.WriteForStatusAsync(call.Context, status);
            return false;
        }

        return true;
    }

    private static int? ContentError(SimulatedFaultOptions faults, Func<string, bool> contains)
    {
        foreach (var (marker, status) in faults.ErrorsOnContent)
        {
            if (contains(marker))
            {
                return status;
            }
        }

        return null;
    }

    /// <summary>Turns anything unexpected into an Azure-shaped 500, and a client that went away into silence.</summary>
    private async Task GuardAsync(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected (or a fault aborted the connection); there is nobody left to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            SimulatorLog.RequestFailed(logger, exception);
            context.Response.Clear();
            ResponseHeaders.WriteCommon(context, runtime.Options.Region);
            await AzureErrors.WriteForStatusAsync(context, StatusCodes.Status500InternalServerError);
        }
    }
}
