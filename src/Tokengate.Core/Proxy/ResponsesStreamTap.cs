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
                reader.Skip();
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

        switch (kind)
        {
            case EventKind.Created when ResponseId is null && ReadId(response) is { } id:
                ResponseId = id;
                _announced = id;
                ServiceTier = Priority.ServiceTierNames.Find(response);
                break;
            case EventKind.Delta when delta is not null:
                (_completion ??= new StringBuilder()).Append(delta);
                break;
            case EventKind.Terminal:
                _ended = true;
                // The terminal response's tier is the one billed; it wins over what response.created announced.
                ServiceTier = Priority.ServiceTierNames.Find(response) ?? ServiceTier;
                if (UsageReader.TryRead(response, out var usage)) Usage = usage;
                // Responses carry Azure's prompt filter results (content_filters) on the full response object.
                AzureAnnotations |= Screening.AzureAnnotationReader.Read(response);
                break;
            case EventKind.Error:
                _ended = true;
                break;
        }
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

    private enum EventKind
    {
        Other,
        Created,
        Delta,
        Terminal,
        Error,
    }
}
