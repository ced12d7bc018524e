using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Files;

/// <summary>JSON answers of the resource-level calls (files, uploads, fine-tuning jobs).</summary>
internal static class ResourceJson
{
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var w = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            write(w);
            w.Flush();
        }
        finally
        {
            JsonWriterCache.Return(w);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task WriteOkAsync(HttpContext context, Action<Utf8JsonWriter> write) =>
        WriteAsync(context, StatusCodes.Status200OK, write);

    /// <summary>
    /// A created object: 201 with a <c>Location</c> header on the dated routes, as Azure's REST reference documents,
    /// and 200 on <c>/openai/v1</c>, as the OpenAI API answers.
    /// </summary>
    public static Task WriteCreatedAsync(HttpContext context, string collectionPath, string id, Action<Utf8JsonWriter> write)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/openai/v1", StringComparison.Ordinal))
        {
            return WriteAsync(context, StatusCodes.Status200OK, write);
        }

        context.Response.Headers.Location = $"{request.Scheme}://{request.Host}/openai/{collectionPath}/{id}{request.QueryString}";
        return WriteAsync(context, StatusCodes.Status201Created, write);
    }

    public static Task WriteErrorAsync(HttpContext context, (string Message, string? Param, string? Code) error) =>
        AzureErrors.WriteInvalidRequestAsync(context, error.Message, error.Param, error.Code);

    public static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    public static long UnixSeconds(long ticks) => new DateTimeOffset(ticks, TimeSpan.Zero).ToUnixTimeSeconds();
}
