using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tokengate.Hosting;

/// <summary><c>GET /openai/v1/models</c>: the logical deployments, as the OpenAI list shape.</summary>
internal static class ModelList
{
    public static Task WriteAsync(HttpContext context)
    {
        var snapshot = context.Features.GetRequiredFeature<GatewayRequestFeature>().Snapshot;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var name in snapshot.PoolsByName.Keys.Order(StringComparer.OrdinalIgnoreCase))
            {
                json.WriteStartObject();
                json.WriteString("id", name);
                json.WriteString("object", "model");
                json.WriteNumber("created", 0);
                json.WriteString("owned_by", "tokengate");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
