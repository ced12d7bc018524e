using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;

namespace Tokengate.Admin;

/// <summary>
/// <c>GET /admin/config</c>: the configuration in force, as the gateway understood it. Secrets are never in it by
/// construction (configuration holds only references such as <c>env:NAME</c>); consumer key hashes are left out
/// as well, replaced by their count.
/// </summary>
internal static class ConfigurationView
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IResult Describe(GatewayConfiguration configuration)
    {
        var root = JsonSerializer.SerializeToNode(configuration.Current.Options, Json)!.AsObject();
        if (root["Consumers"] is JsonObject consumers)
        {
            foreach (var (_, consumer) in consumers)
            {
                if (consumer is JsonObject c && c["KeyHashes"] is JsonArray hashes)
                {
                    c.Remove("KeyHashes");
                    c["KeyCount"] = hashes.Count;
                }
            }
        }
        return Results.Text(root.ToJsonString(Json), "application/json");
    }
}
