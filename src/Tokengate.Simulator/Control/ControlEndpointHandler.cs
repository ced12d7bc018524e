using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Control;

/// <summary>
/// <c>/_simulator/deployments</c>: read settings and counters, PATCH settings (JSON merge patch of
/// <see cref="SimulatedDeploymentOptions"/>), and reset state. Not part of the Azure surface, so it needs no key.
/// </summary>
internal sealed class ControlEndpointHandler(SimulatorRuntime runtime)
{
    public Task ListAsync(HttpContext context)
    {
        var views = new List<DeploymentView>(runtime.Deployments.Names.Count);
        foreach (var name in runtime.Deployments.Names)
        {
            views.Add(View(runtime.Deployments.Get(name)));
        }

        return WriteAsync(context, new DeploymentListView(views));
    }

    public Task GetAsync(HttpContext context) =>
        TryFind(context, out var deployment) ? WriteAsync(context, View(deployment)) : NotFoundAsync(context);

    public async Task PatchAsync(HttpContext context)
    {
        if (!TryFind(context, out var deployment))
        {
            await NotFoundAsync(context);
            return;
        }

        try
        {
            var patch = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw new JsonException("The body must be a JSON object.");
            deployment.Update(current =>
            {
                var merged = JsonSerializer.SerializeToNode(current, SimulatorJson.Options)!.AsObject();
                JsonMergePatch.Apply(merged, patch);
                return merged.Deserialize<SimulatedDeploymentOptions>(SimulatorJson.Strict)
                    ?? throw new JsonException("The settings must not be null.");
            }, runtime.NowTicks);
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", exception.Message);
            return;
        }

        await WriteAsync(context, View(deployment));
    }

    public Task ResetAsync(HttpContext context)
    {
        if (!TryFind(context, out var deployment))
        {
            return NotFoundAsync(context);
        }

        deployment.Reset(runtime.NowTicks);
        return WriteAsync(context, View(deployment));
    }

    private DeploymentView View(DeploymentState deployment) =>
        new(deployment.Name, deployment.Snapshot.Options, runtime.Stats(deployment));

    private bool TryFind(HttpContext context, out DeploymentState deployment) =>
        runtime.Deployments.TryGet(context.Request.RouteValues["deployment"] as string ?? string.Empty, out deployment);

    private static Task NotFoundAsync(HttpContext context) =>
        AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "DeploymentNotFound", "No simulated deployment has that name.");

    private static Task WriteAsync<T>(HttpContext context, T value) =>
        context.Response.WriteAsJsonAsync(value, SimulatorJson.Options, "application/json", context.RequestAborted);
}
