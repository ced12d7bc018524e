using System.Text.Json;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>
/// The stream of an image or audio operation: partial images, transcript deltas or speech audio, relayed as they
/// come; usage arrives in the terminal event (<c>image_generation.completed</c>, <c>image_edit.completed</c>,
/// <c>transcript.text.done</c>, <c>speech.audio.done</c>), and several (one per image) are summed. There is no
/// <c>[DONE]</c>: a terminal event is the stream's own end.
/// </summary>
internal sealed class MediaStreamTap : StreamTap
{
    private static readonly byte[] Broken =
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":\"stream_interrupted\",\"message\":\"The stream was interrupted before it finished. Please retry the request.\",\"param\":null}}\n\n"u8.ToArray();

    private bool _ended;

    public override string CompletionText => "";

    public override bool Ended => _ended;

    public override bool Inspect(ReadOnlySpan<byte> sseEvent)
    {
        var data = Data(sseEvent);
        if (data.IsEmpty || data[0] != (byte)'{') return true;
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (reader.ValueSpan.EndsWith(".completed"u8) || reader.ValueSpan.EndsWith(".done"u8)))
                        _ended = true;
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject && UsageReader.ReadObject(ref reader, out var usage)) Add(usage);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: relayed as it is, nothing to read.
        }
        return true;
    }

    public override ReadOnlyMemory<byte> BrokenStreamEvent() => Broken;

    private void Add(UsageCounts usage)
    {
        if (Usage is not { } sum)
        {
            Usage = usage;
            return;
        }
        var a = sum.Media;
        var b = usage.Media;
        Usage = new UsageCounts(sum.PromptTokens + usage.PromptTokens, sum.CachedTokens + usage.CachedTokens, sum.CompletionTokens + usage.CompletionTokens, UsageSource.Reported)
        {
            Media = a with
            {
                AudioInputTokens = a.AudioInputTokens + b.AudioInputTokens,
                ImageInputTokens = a.ImageInputTokens + b.ImageInputTokens,
                CachedAudioTokens = a.CachedAudioTokens + b.CachedAudioTokens,
                CachedImageTokens = a.CachedImageTokens + b.CachedImageTokens,
                AudioOutputTokens = a.AudioOutputTokens + b.AudioOutputTokens,
                ImageOutputTokens = a.ImageOutputTokens + b.ImageOutputTokens,
                AudioSeconds = a.AudioSeconds + b.AudioSeconds,
            },
        };
    }
}
