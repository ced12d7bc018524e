using Tokengate.Accounting;
using Tokengate.Operations;

namespace Tokengate.Proxy;

/// <summary>
/// Watches a relayed event stream event by event for what the gateway needs from it: the usage, the text delivered
/// (to count when no usage arrives), whether the stream reached its own end, and the id of an object it creates. One
/// kind per <see cref="UsageShape"/>, since each API reports usage and ends its streams its own way.
/// </summary>
internal abstract class StreamTap
{
    public UsageCounts? Usage { get; protected set; }

    /// <summary>The <c>service_tier</c> the stream says served the request, once an event named it.</summary>
    public string? ServiceTier { get; protected set; }

    /// <summary>Azure's own jailbreak / indirect-attack detections the stream reported (chat: its first chunk).</summary>
    public Screening.AzurePromptAnnotations AzureAnnotations { get; protected set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the first event reached the consumer (0: none yet).</summary>
    public long FirstEventTimestamp { get; set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> ticks spent waiting for the stream's first byte from the backend (after its headers).</summary>
    public long FirstByteWaitTicks { get; set; }

    /// <summary>The completion text relayed so far (content, refusals, tool-call names and arguments).</summary>
    public abstract string CompletionText { get; }

    /// <summary>The stream ended the way its API ends a stream (not just a closed connection).</summary>
    public abstract bool Ended { get; }

    /// <summary>Inspects one complete SSE event; false when it must not reach the consumer.</summary>
    public abstract bool Inspect(ReadOnlySpan<byte> sseEvent);

    /// <summary>
    /// Sees again the events inspected since the last call, in the order <see cref="Inspect"/> saw them, once they
    /// reached the consumer (or could not): work that decides nothing about relaying them, such as keeping their text,
    /// waits until then so that it never delays an event.
    /// </summary>
    public virtual void Relayed(ReadOnlySpan<byte> events)
    {
    }

    /// <summary>The id of an object the stream just announced (a stored response), once; the relay records it before the event goes out.</summary>
    public virtual string? TakeAnnouncedId() => null;

    /// <summary>What the consumer gets instead of the rest when the upstream broke: an error event its SDK raises.</summary>
    public abstract ReadOnlyMemory<byte> BrokenStreamEvent();

    /// <summary>The tap for an operation's streams.</summary>
    public static StreamTap For(OperationDescriptor operation, bool stripUsageChunk) => operation.Usage switch
    {
        UsageShape.Completions => new StreamUsageTap(stripUsageChunk),
        UsageShape.Responses => new ResponsesStreamTap(),
        UsageShape.Media => new MediaStreamTap(),
        UsageShape.None => new PassThroughStreamTap(),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Usage, "Unknown usage shape."),
    };

    /// <summary>Length of the first event in complete events, its blank line included.</summary>
    internal static int NextEventLength(ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf("\n\n"u8);
        var crlf = data.IndexOf("\n\r\n"u8);
        if (lf < 0 && crlf < 0) return data.Length;
        if (crlf < 0 || (lf >= 0 && lf < crlf)) return lf + 2;
        return crlf + 3;
    }

    /// <summary>The value of the event's first <c>data:</c> line.</summary>
    protected static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> sseEvent)
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
