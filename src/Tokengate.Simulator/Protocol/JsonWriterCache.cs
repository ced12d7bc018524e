using System.Buffers;
using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// One reusable <see cref="Utf8JsonWriter"/> per thread. Rent and return around synchronous writing only: the writer
/// must never cross an await, or another request on this thread would share it.
/// </summary>
internal static class JsonWriterCache
{
    private static readonly ArrayBufferWriter<byte> Detached = new(1);

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static Utf8JsonWriter Rent(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            return new Utf8JsonWriter(output);
        }

        t_writer = null;
        writer.Reset(output);
        return writer;
    }

    public static void Return(Utf8JsonWriter writer)
    {
        // Detach so the cached writer does not keep a finished response's pipe alive.
        writer.Reset(Detached);
        t_writer = writer;
    }
}
