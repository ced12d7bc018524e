using System.Text;
using System.Text.Json;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>
/// Watches a chat completion stream event by event: takes the usage chunk's figures, drops that chunk when the
/// gateway asked for it on the consumer's behalf, and keeps the delivered completion text so a stream that breaks
/// before its usage chunk can still be counted.
/// </summary>
internal sealed class StreamUsageTap(bool stripUsageChunk)
{
    private StringBuilder? _completion;

    public UsageCounts? Usage { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the first event reached the consumer (0: none yet).</summary>
    public long FirstEventTimestamp { get; set; }

    /// <summary>The completion text relayed so far (content, refusals, tool-call names and arguments).</summary>
    public string CompletionText => _completion?.ToString() ?? "";

    /// <summary>Inspects one complete SSE event; false when it must not reach the consumer.</summary>
    public bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var data = Data(sseEvent);
        if (data.IsEmpty || data[0] != (byte)'{') return true;

        if (data.IndexOf("\"usage\":{"u8) >= 0 && UsageReader.TryRead(data, out var usage))
        {
            Usage = usage;
            // Only the gateway's own extra chunk (no choices) goes; a usage on a content chunk stays with it.
            if (stripUsageChunk && data.IndexOf("\"choices\":[]"u8) >= 0) return false;
        }
        else if (data.IndexOf("\"delta\""u8) >= 0)
        {
            CollectText(data);
        }
        return true;
    }

    private void CollectText(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var wanted = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("arguments"u8)
                    || reader.ValueTextEquals("refusal"u8) || reader.ValueTextEquals("name"u8);
                reader.Read();
                if (wanted && reader.TokenType == JsonTokenType.String) (_completion ??= new StringBuilder()).Append(reader.GetString());
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing to count.
        }
    }

    /// <summary>The value of the event's first <c>data:</c> line.</summary>
    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> sseEvent)
    {
        while (!sseEvent.IsEmpty)
        {
            var end = sseEvent.IndexOf((byte)'\n');
            var line = end < 0 ? sseEvent : sseEvent[..end];
            if (line.StartsWith("data:"u8))
            {
                line = line[5..];
                if (!line.IsEmpty && line[0] == (byte)' ') line = line[1..];
                return line.TrimEnd((byte)'\r');
            }
            if (end < 0) break;
            sseEvent = sseEvent[(end + 1)..];
        }
        return default;
    }
}
