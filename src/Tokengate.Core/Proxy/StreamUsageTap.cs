using System.Text;
using System.Text.Json;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>
/// Watches a chat completion stream event by event: takes the usage chunk's figures, drops that chunk when the
/// gateway asked for it on the consumer's behalf, and keeps the delivered completion text so a stream that breaks
/// before its usage chunk can still be counted. The text is read once its events are relayed (<see cref="Relayed"/>):
/// parsing the deltas is the tap's largest work, and no relaying decision depends on it.
/// </summary>
internal sealed class StreamUsageTap(bool stripUsageChunk) : StreamTap
{
    private static readonly byte[] Broken =
        "data: {\"error\":{\"code\":\"stream_interrupted\",\"message\":\"The model's response stream was interrupted before it finished; the response is incomplete. Please retry the request.\",\"type\":\"server_error\"}}\n\n"u8.ToArray();

    private StringBuilder? _completion;
    private bool _done;
    private int _events;

    // Which of the events inspected since the last Relayed (their ordinals, ascending) carry text to keep.
    private List<int>? _textEvents;
    private int _sinceRelayed;

    public override string CompletionText => _completion?.ToString() ?? "";

    /// <summary>Chat and completion streams end with <c>data: [DONE]</c>.</summary>
    public override bool Ended => _done;

    public override ReadOnlyMemory<byte> BrokenStreamEvent() => Broken;

    public override bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var ordinal = _sinceRelayed++;
        var data = Data(sseEvent);
        if (data.SequenceEqual("[DONE]"u8))
        {
            _done = true;
            return true;
        }
        if (data.IsEmpty || data[0] != (byte)'{') return true;
        // Azure annotates the prompt in the stream's first chunk (prompt_filter_results); later chunks are not searched.
        if (_events++ < 2 && data.IndexOf("\"prompt_filter_results\""u8) >= 0) AzureAnnotations |= Screening.AzureAnnotationReader.Read(data);
        // Every chunk names the tier (Azure's prompt-annotation chunk aside); the first that does is enough.
        ServiceTier ??= Priority.ServiceTierNames.Find(data);

        if (data.IndexOf("\"usage\":{"u8) >= 0 && UsageReader.TryRead(data, out var usage))
        {
            Usage = usage;
            // Only the gateway's own extra chunk (no choices) goes; a usage on a content chunk stays with it.
            if (stripUsageChunk && data.IndexOf("\"choices\":[]"u8) >= 0) return false;
        }
        else if (data.IndexOf("\"delta\""u8) >= 0)
        {
            (_textEvents ??= []).Add(ordinal);
        }
        return true;
    }

    public override void Relayed(ReadOnlySpan<byte> events)
    {
        _sinceRelayed = 0;
        if (_textEvents is not { Count: > 0 } pending) return;
        var ordinal = 0;
        foreach (var wanted in pending)
        {
            for (; ordinal < wanted && !events.IsEmpty; ordinal++) events = events[NextEventLength(events)..];
            if (events.IsEmpty) break;
            var length = NextEventLength(events);
            CollectText(Data(events[..length]));
            events = events[length..];
            ordinal++;
        }
        pending.Clear();
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
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string the reader cannot decode: nothing to count.
        }
    }
}
