using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Authorization;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// Model discovery, answered by the gateway itself: the logical deployments a consumer may call, in the shape of the
/// route family it asked on. Azure's classic <c>GET /openai/models</c> and <c>GET /openai/deployments/{d}</c>, and the
/// OpenAI list / retrieve shape on the v1 routes. A deployment the consumer's scopes do not reach is not listed and
/// answers 404, as if it did not exist.
/// </summary>
internal static class ModelDiscovery
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public static Task ListAsync(HttpContext context)
    {
        if (!ClassicVersionPresent(context)) return GatewayError.ResourceNotFound.WriteAsync(context);
        var (feature, consumer) = Caller(context);
        var classic = feature.Route.Family == RouteFamily.AzureClassic;
        return JsonAnswer.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var (name, pool) in Callable(feature.Snapshot, consumer))
            {
                if (classic) WriteAzureModel(json, name, pool);
                else WriteOpenAIModel(json, name);
            }
            json.WriteEndArray();
            json.WriteString("object", "list");
            json.WriteEndObject();
        });
    }

    public static Task GetModelAsync(HttpContext context)
    {
        if (!ClassicVersionPresent(context)) return GatewayError.ResourceNotFound.WriteAsync(context);
        var (feature, consumer) = Caller(context);
        if (!TryFind(feature.Snapshot, consumer, context.Request.RouteValues["id"] as string, out var pool)) return ModelNotFound(context);
        var name = (string)context.Request.RouteValues["id"]!;
        return feature.Route.Family == RouteFamily.AzureClassic
            ? JsonAnswer.WriteAsync(context, json => WriteAzureModel(json, name, pool))
            : JsonAnswer.WriteAsync(context, json => WriteOpenAIModel(json, name));
    }

    public static Task GetDeploymentAsync(HttpContext context)
    {
        if (!ClassicVersionPresent(context)) return GatewayError.ResourceNotFound.WriteAsync(context);
        var (feature, consumer) = Caller(context);
        if (!TryFind(feature.Snapshot, consumer, context.Request.RouteValues["deployment"] as string, out var pool))
            return GatewayError.DeploymentNotFound.WriteAsync(context);
        return JsonAnswer.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", pool.Name);
            json.WriteString("model", ModelOf(pool));
            json.WriteString("owner", "organization-owner");
            json.WriteString("status", "succeeded");
            json.WriteNumber("created_at", Epoch.ToUnixTimeSeconds());
            json.WriteNumber("updated_at", Epoch.ToUnixTimeSeconds());
            json.WriteStartObject("scale_settings");
            json.WriteString("scale_type", "standard");
            json.WriteEndObject();
            json.WriteString("object", "deployment");
            json.WriteEndObject();
        });
    }

    private static (GatewayRequestFeature Feature, Consumer Consumer) Caller(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        return (feature, feature.Consumer!);
    }

    // Azure's classic routes answer 404 without an api-version, as every classic call does.
    private static bool ClassicVersionPresent(HttpContext context) =>
        context.Features.GetRequiredFeature<GatewayRequestFeature>().Route.Family != RouteFamily.AzureClassic
        || !string.IsNullOrWhiteSpace(context.Request.Query["api-version"]);

    /// <summary>The names (pool names and aliases, each usable as <c>model</c>) of the pools the consumer may call at all.</summary>
    private static IEnumerable<(string Name, Pool Pool)> Callable(GatewaySnapshot snapshot, Consumer consumer) =>
        snapshot.PoolsByName.Where(p => Reaches(snapshot, consumer, p.Value)).Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase);

    private static bool TryFind(GatewaySnapshot snapshot, Consumer consumer, string? name, out Pool pool)
    {
        pool = null!;
        if (string.IsNullOrEmpty(name) || !snapshot.TryResolvePool(name, consumer.Group, out var found) || !Reaches(snapshot, consumer, found)) return false;
        pool = found;
        return true;
    }

    // A group's dedicated pool is listed for its groups only, under the same scopes as step 4 (its deployment's or its own).
    private static bool Reaches(GatewaySnapshot snapshot, Consumer consumer, Pool pool) =>
        consumer.HasRole(Roles.Consumer) && (pool.Dedication is not { } dedication
            ? snapshot.Access.Reaches(consumer, pool)
            : dedication.Serves(consumer.Group) && (snapshot.Access.Reaches(consumer, pool) || snapshot.Access.Reaches(consumer, dedication.Shared)));

    private static string ModelOf(Pool pool) => pool.Backends[0].Model ?? pool.Name;

    private static void WriteOpenAIModel(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject();
        json.WriteString("id", name);
        json.WriteString("object", "model");
        json.WriteNumber("created", Epoch.ToUnixTimeSeconds());
        json.WriteString("owned_by", "tokengate");
        json.WriteEndObject();
    }

    private static void WriteAzureModel(Utf8JsonWriter json, string name, Pool pool)
    {
        var model = ModelOf(pool);
        var embeddings = model.Contains("embedding", StringComparison.OrdinalIgnoreCase);
        json.WriteStartObject();
        json.WriteString("id", name);
        json.WriteString("model", model);
        json.WriteString("status", "succeeded");
        json.WriteStartObject("capabilities");
        json.WriteBoolean("fine_tune", false);
        json.WriteBoolean("inference", true);
        json.WriteBoolean("completion", !embeddings);
        json.WriteBoolean("chat_completion", !embeddings);
        json.WriteBoolean("embeddings", embeddings);
        json.WriteEndObject();
        json.WriteString("lifecycle_status", "generally-available");
        json.WriteNumber("created_at", Epoch.ToUnixTimeSeconds());
        json.WriteString("object", "model");
        json.WriteEndObject();
    }

    private static Task ModelNotFound(HttpContext context) =>
        new GatewayError(404, "model_not_found", "The model does not exist or you do not have access to it.", "invalid_request_error", "model").WriteAsync(context);
}
