using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Simulator.Control;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.ContentSafety;

/// <summary>
/// The Content Safety route (<c>POST /contentsafety/text:shieldPrompt</c>) and its control calls:
/// <c>GET /_simulator/contentsafety</c> (counters, armed faults, settings), <c>PATCH</c> (a JSON merge patch of
/// <see cref="SimulatedContentSafetyOptions"/>) and <c>POST /_simulator/contentsafety/reset</c>.
/// </summary>
internal static class ContentSafetyRoutes
{
    public const string ControlRoute = "/_simulator/contentsafety";

    public static void Map(IEndpointRouteBuilder endpoints, IServiceProvider services) =>
        endpoints.MapPost(ShieldPromptHandler.Route, services.GetRequiredService<ShieldPromptHandler>().HandleAsync);

    public static void MapControl(IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        var runtime = services.GetRequiredService<SimulatorRuntime>();
        endpoints.MapGet(ControlRoute, c => WriteAsync(c, runtime));
        endpoints.MapPatch(ControlRoute, c => PatchAsync(c, runtime));
        endpoints.MapPost(ControlRoute + "/reset", c =>
        {
            runtime.ContentSafety.Reset();
            return WriteAsync(c, runtime);
        });
    }

    private static async Task PatchAsync(HttpContext context, SimulatorRuntime runtime)
    {
        try
        {
            var patch = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw new JsonException("The body must be a JSON object.");
            runtime.ContentSafety.Update(current =>
            {
                var merged = JsonSerializer.SerializeToNode(current, SimulatorJson.Options)!.AsObject();
                JsonMergePatch.Apply(merged, patch);
                return merged.Deserialize<SimulatedContentSafetyOptions>(SimulatorJson.Strict)
                    ?? throw new JsonException("The settings must not be null.");
            });
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", exception.Message);
            return;
        }

        await WriteAsync(context, runtime);
    }

    private static Task WriteAsync(HttpContext context, SimulatorRuntime runtime) =>
        context.Response.WriteAsJsonAsync(runtime.ContentSafety.Stats(runtime.NowTicks), SimulatorJson.Options, "application/json", context.RequestAborted);
}
