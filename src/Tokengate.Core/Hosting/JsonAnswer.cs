using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Hosting;

/// <summary>The JSON answer of a call the gateway answers itself (discovery, files): written whole, with its length.</summary>
internal static class JsonAnswer
{
    public static Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }
}
