using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// <c>data: {json}\n\n</c> framing written straight into the response pipe (protocol reference §4.1), and the named
/// <c>event: {type}\ndata: {json}\n\n</c> framing of Responses streams.
/// </summary>
internal static class ServerSentEvents
{
    public const string ContentType = "text/event-stream; charset=utf-8";

    public static Utf8JsonWriter BeginEvent(PipeWriter pipe)
    {
        pipe.Write("data: "u8);
        return JsonWriterCache.Rent(pipe);
    }

    public static Utf8JsonWriter BeginNamedEvent(PipeWriter pipe, string type)
    {
        pipe.Write("event: "u8);
        Encoding.UTF8.GetBytes(type, pipe);
        pipe.Write("\ndata: "u8);
        return JsonWriterCache.Rent(pipe);
    }

    public static void EndEvent(PipeWriter pipe, Utf8JsonWriter writer)
    {
        writer.Flush();
        JsonWriterCache.Return(writer);
        pipe.Write("\n\n"u8);
    }

    public static void WriteDone(PipeWriter pipe) => pipe.Write("data: [DONE]\n\n"u8);
}
