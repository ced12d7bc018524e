using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Tokengate.Configuration;
using Tokengate.Settings;

namespace Tokengate.Admin;

/// <summary>
/// <c>GET /admin/config</c>: the configuration in force, as the gateway understood it. Secrets are never in it by
/// construction (configuration holds only references such as <c>env:NAME</c>); consumer key hashes are left out
/// as well, replaced by their count. <c>GET /admin/config/sources</c>: where each entry of it comes from, so that
/// what a file owns can be shown read-only with the file's name.
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

    /// <summary>
    /// Every entry one level under each section of <c>Tokengate</c> (a pool, a consumer, a setting) with the source
    /// that sets it: a file's name, <c>environment</c>, <c>command line</c>, or <c>managed</c> when only the admin
    /// API's settings define it. Where several sources define an entry, the one that wins is named.
    /// </summary>
    public static IResult DescribeSources(IConfiguration configuration)
    {
        var data = new List<object>();
        foreach (var section in configuration.GetSection(GatewayOptions.SectionName).GetChildren().OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var entry in section.GetChildren().OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
                data.Add(new { section = section.Key, name = entry.Key, source = SettingsOwnership.Owner(configuration, [entry.Path]) ?? "managed" });
        }
        return Results.Json(new { data });
    }
}
