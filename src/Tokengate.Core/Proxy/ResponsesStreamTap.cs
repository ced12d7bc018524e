using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tokengate.Proxy;

/// <summary>
/// Watches a Responses API stream: named events, each with its <c>type</c> and <c>sequence_number</c>. Every event is
/// relayed unchanged, unknown types too; the tap reads only <c>response.created</c> (the id, for affinity), the text
/// deltas (to count a stream that breaks), the terminal events <c>response.completed</c> / <c>.incomplete</c> /
/// <c>.failed</c> (which carry the full response with its <c>usage</c>) and <c>error</c>. No <c>[DONE]</c> is expected.
/// </summary>
internal sealed class ResponsesStreamTap : StreamTap
{
    private const string BrokenMessage = "The model's response stream was interrupted before it finished; the response is incomplete. Please retry the request.";

    private StringBuilder? _completion;
    private string? _announced;
    private bool _ended;
    private long _lastSequence = -1;

    public override string CompletionText => _completion?.ToString() ?? "";

    /// <summary>A terminal event, or the service's own <c>error</c> event, was relayed.</summary>
    public override bool Ended => _ended;

    /// <summary>The id of the response the stream is creating, when it first appears.</summary>
    public string? ResponseId { get; private set; }

    public override string? TakeAnnouncedId()
    {
        var id = _announced;
        _announced = null;
        return id;
    }

    public override bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var data = Data(sseEvent);
        if (data.IsEmpty || data[0] != (byte)'{') return true;
        try
        {
            Read(data);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string the reader cannot decode (a lone surrogate): relayed as it is, nothing to learn from it.
        }
        return true;
    }

    /// <summary>An <c>error</c> event in the Responses shape, numbered after the last event relayed.</summary>
    public override ReadOnlyMemory<byte> BrokenStreamEvent()
    {
        var sequence = (_lastSequence + 1).ToString(CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes(
            $"event: error\ndata: {{\"type\":\"error\",\"code\":\"stream_interrupted\",\"message\":\"{BrokenMessage}\",\"param\":null,\"sequence_number\":{sequence}}}\n\n");
    }

    private void Read(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
        var kind = EventKind.Other;
        ReadOnlySpan<byte> response = default;
        // Where the response object's id, tier and usage are, in `source`: found while stepping over the object (the
        // stream's largest part) rather than by reading it again for each.
        var facts = ResponseFacts.None;
        var source = data;
        string? delta = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = KindOf(ref reader);
            }
            else if (reader.ValueTextEquals("sequence_number"u8))
            {
                reader.Read();
                if (reader.TryGetInt64(out var sequence)) _lastSequence = sequence;
            }
            else if (reader.ValueTextEquals("response"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (kind is EventKind.Created or EventKind.Terminal && reader.TokenType == JsonTokenType.StartObject) facts = StepOver(ref reader);
                else reader.Skip();
                response = data[start..(int)reader.BytesConsumed];
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String) delta = reader.GetString();
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (kind is EventKind.Created or EventKind.Terminal && !facts.Read && !response.IsEmpty && response[0] == (byte)'{')
        {
            // The event named its type after its response (the service sends the type first): read the response now.
            var again = new Utf8JsonReader(response);
            again.Read();
            facts = StepOver(ref again);
            source = response;
        }

        switch (kind)
        {
            case EventKind.Created when ResponseId is null && IdAt(source, facts.Id) is { } id:
                ResponseId = id;
                _announced = id;
                ServiceTier = TierAt(source, facts.Tier);
                break;
            case EventKind.Delta when delta is not null:
                (_completion ??= new StringBuilder()).Append(delta);
                break;
            case EventKind.Terminal:
                _ended = true;
                // The terminal response's tier is the one billed; it wins over what response.created announced.
                var tier = TierAt(source, facts.Tier);
                ServiceTier = tier ?? ServiceTier;
                if (facts.Usage.Length > 0 && UsageReader.TryReadObject(source.Slice(facts.Usage.Start, facts.Usage.Length), out var usage))
                    Usage = tier is null ? usage : usage with { ServiceTier = tier };
                // Responses carry Azure's prompt filter results (content_filters) on the full response object.
                AzureAnnotations |= Screening.AzureAnnotationReader.Read(response);
                break;
            case EventKind.Error:
                _ended = true;
                break;
        }
    }

    /// <summary>
    /// Steps over a response object (the reader on its <c>{</c>, left on its <c>}</c>) noting where its first top-level
    /// <c>id</c> and <c>service_tier</c> values and its <c>usage</c> object are; nothing is decoded here, so a value the
    /// reader cannot decode fails where it is read, as a separate read of it would.
    /// </summary>
    private static ResponseFacts StepOver(ref Utf8JsonReader reader)
    {
        var facts = ResponseFacts.None with { Read = true };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("id"u8) ? 1 : reader.ValueTextEquals("service_tier"u8) ? 2 : reader.ValueTextEquals("usage"u8) ? 3 : 0;
            reader.Read();
            var at = (int)reader.TokenStartIndex;
            switch (property)
            {
                case 1 when facts.Id == ResponseFacts.NotSeen:
                    facts = facts with { Id = reader.TokenType == JsonTokenType.String ? at : ResponseFacts.NotAString };
                    break;
                case 2 when facts.Tier == ResponseFacts.NotSeen:
                    facts = facts with { Tier = reader.TokenType == JsonTokenType.String ? at : ResponseFacts.NotAString };
                    break;
                case 3 when facts.Usage.Length == 0 && reader.TokenType == JsonTokenType.StartObject:
                    reader.Skip();
                    facts = facts with { Usage = (at, (int)reader.BytesConsumed - at) };
                    continue;
            }
            reader.Skip();
        }
        return facts;
    }

    /// <summary>The string at <paramref name="at"/> (a <see cref="ResponseFacts"/> position); null when there is none or it cannot be decoded.</summary>
    private static string? IdAt(ReadOnlySpan<byte> source, int at)
    {
        if (at < 0) return null;
        try
        {
            var reader = new Utf8JsonReader(source[at..]);
            reader.Read();
            return reader.GetString();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The service tier at <paramref name="at"/>, a known value's shared string; null when there is none.</summary>
    private static string? TierAt(ReadOnlySpan<byte> source, int at)
    {
        if (at < 0) return null;
        var reader = new Utf8JsonReader(source[at..]);
        reader.Read();
        return Priority.ServiceTierNames.Read(ref reader);
    }

    private static EventKind KindOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return EventKind.Other;
        if (reader.ValueTextEquals("response.created"u8)) return EventKind.Created;
        if (reader.ValueTextEquals("response.output_text.delta"u8) || reader.ValueTextEquals("response.refusal.delta"u8)
            || reader.ValueTextEquals("response.function_call_arguments.delta"u8)) return EventKind.Delta;
        if (reader.ValueTextEquals("response.completed"u8) || reader.ValueTextEquals("response.incomplete"u8)
            || reader.ValueTextEquals("response.failed"u8)) return EventKind.Terminal;
        if (reader.ValueTextEquals("error"u8)) return EventKind.Error;
        return EventKind.Other;
    }

    /// <summary>The top-level <c>id</c> of a response object.</summary>
    internal static string? ReadId(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A body that is not JSON (a proxy's error page) names no response to record.
        }
        return null;
    }

    /// <summary>Positions in a response object: of its id and tier strings (or <see cref="NotSeen"/> / <see cref="NotAString"/>) and its usage object.</summary>
    private readonly record struct ResponseFacts(bool Read, int Id, int Tier, (int Start, int Length) Usage)
    {
        public const int NotSeen = -1;
        public const int NotAString = -2;

        public static ResponseFacts None => new(false, NotSeen, NotSeen, default);
    }

    private enum EventKind
    {
        Other,
        Created,
        Delta,
        Terminal,
        Error,
    }
}
