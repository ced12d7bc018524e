using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Simulator.Protocol;

/// <summary>Reads a request body that must be one JSON object, answering the service's 400 when it is not.</summary>
internal static class JsonBody
{
    /// <summary>The parsed body, or null after the 400 has been written.</summary>
    public static async Task<JsonDocument?> ReadObjectAsync(HttpContext context)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            await AzureErrors.WriteInvalidRequestAsync(context, AzureErrors.InvalidJson);
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        await AzureErrors.WriteInvalidRequestAsync(context, AzureErrors.InvalidJson);
        return null;
    }
}
