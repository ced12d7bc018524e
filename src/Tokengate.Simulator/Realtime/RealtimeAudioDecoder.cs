using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Tokengate.Simulator.Realtime;

/// <summary>Base64 audio from client events: its decoded bytes, or only their count.</summary>
internal static class RealtimeAudioDecoder
{
    /// <summary>The decoded bytes, or null when the text is not base64.</summary>
    public static byte[]? Decode(string base64)
    {
        var utf8 = Encoding.ASCII.GetBytes(base64);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(utf8.Length)];
        return Base64.DecodeFromUtf8(utf8, bytes, out _, out var written) == OperationStatus.Done ? bytes[..written] : null;
    }

    /// <summary>How many bytes the text decodes to, or null when it is not base64.</summary>
    public static long? Length(string base64) => Decode(base64)?.LongLength;
}
