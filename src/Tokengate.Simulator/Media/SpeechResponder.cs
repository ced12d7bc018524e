using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Text to speech. The audio lasts <c>input</c>'s characters / 15 seconds at speed 1.0, divided by <c>speed</c>, and
/// is relayed as it is "generated", in chunks of about half a second of audio flushed one by one: the first at time
/// to first token (with the headers), each later one a per-token delay after the one before. tts-1 models bill characters; gpt-4o-mini-tts bills
/// tokens (input text, and ten audio tokens per second out) and can answer server-sent events.
/// </summary>
internal sealed class SpeechResponder(SimulatorRuntime runtime, AdmissionGate gate, ILogger<SpeechResponder> logger)
{
    /// <summary>Characters of input spoken per second at speed 1.0.</summary>
    public const double CharactersPerSecond = 15;

    /// <summary>Output audio tokens per second of speech (token-billed models).</summary>
    public const int AudioTokensPerSecond = 10;

    /// <summary>The longest <c>input</c> accepted.</summary>
    public const int MaxInputCharacters = 4_096;

    public async Task HandleAsync(SimulatedCall call, JsonElement root)
    {
        var tokenBilled = call.Snapshot.Model.Media == MediaModelFamily.GptTts;
        var p = MediaParameters.FromJson(root);
        var input = p.String("input");
        if (string.IsNullOrEmpty(input))
        {
            p.Fail(RequestErrors.Missing("input"));
        }
        else if (input.Length > MaxInputCharacters)
        {
            p.Fail((string.Create(CultureInfo.InvariantCulture, $"Invalid 'input': string too long. Expected a string with maximum length {MaxInputCharacters}, but got a string with length {input.Length} instead."), "input", "string_above_max_length"));
        }

        if (string.IsNullOrEmpty(p.String("voice")))
        {
            p.Fail(RequestErrors.Missing("voice"));
        }

        var formatName = p.Choice("response_format", "mp3", "opus", "aac", "flac", "wav", "pcm") ?? "mp3";
        var speed = p.Number("speed", 0.25, 4.0) ?? 1.0;
        var instructions = p.String("instructions");
        var sse = (p.Choice("stream_format", "audio", "sse") ?? "audio") == "sse";
        if (sse && !tokenBilled)
        {
            p.Fail((string.Create(CultureInfo.InvariantCulture, $"stream_format 'sse' is not supported for model '{call.Snapshot.Options.Model}'. Use 'audio' instead."), "stream_format", "unsupported_value"));
        }

        if (p.Error is { } error)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
            return;
        }

        var format = Enum.Parse<SpeechFormat>(formatName, ignoreCase: true);
        var seconds = input!.Length / CharactersPerSecond / speed;
        BilledUsage usage;
        if (tokenBilled)
        {
            var tokenizer = runtime.Tokenizers.Get(call.Snapshot.Model.Encoding);
            usage = new BilledUsage
            {
                InputTextTokens = tokenizer.CountTokens(input) + (string.IsNullOrEmpty(instructions) ? 0 : tokenizer.CountTokens(instructions)),
                OutputAudioTokens = (long)Math.Ceiling((seconds * AudioTokensPerSecond) - 1e-9),
            };
        }
        else
        {
            usage = new BilledUsage { Characters = input.Length };
        }

        if (!await gate.PassFaultsAsync(call) || !await gate.TryAdmitAsync(call, usage.InputTokens, usage.InputTokens + usage.OutputTokens))
        {
            return;
        }

        var seed = Fnv1a.Append(Fnv1a.Append(Fnv1a.Offset, input), string.Create(CultureInfo.InvariantCulture, $"|{p.String("voice")}|{speed}|{formatName}"));
        var options = call.Snapshot.Options;
        var cut = call.Deployment.TryConsumeStreamCut() || runtime.Random.Chance(options.Faults.MidStreamCutRate);
        await gate.DelayAsync(options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = sse ? ServerSentEvents.ContentType : SpeechAudio.ContentType(format);
        if (sse)
        {
            response.Headers.CacheControl = "no-cache";
        }

        var pipe = response.BodyWriter;
        var delivered = 0;
        foreach (var chunk in SpeechAudio.Chunks(format, seconds, seed))
        {
            if (cut && delivered >= options.Faults.MidStreamCutAfterChunks)
            {
                CutStream(call, usage);
            }

            // The first audio leaves at time to first token; each later chunk one per-token delay after the last.
            if (delivered > 0)
            {
                await gate.DelayAsync(options.Latency.PerTokenMs, call);
            }

            if (sse)
            {
                var w = ServerSentEvents.BeginEvent(pipe);
                w.WriteStartObject();
                w.WriteString("type"u8, "speech.audio.delta"u8);
                w.WriteBase64String("audio"u8, chunk);
                w.WriteEndObject();
                ServerSentEvents.EndEvent(pipe, w);
            }
            else
            {
                pipe.Write(chunk);
            }

            await pipe.FlushAsync(call.Aborted);
            delivered++;
        }

        if (cut)
        {
            CutStream(call, usage);
        }

        if (sse)
        {
            var w = ServerSentEvents.BeginEvent(pipe);
            w.WriteStartObject();
            w.WriteString("type"u8, "speech.audio.done"u8);
            w.WriteStartObject("usage"u8);
            w.WriteNumber("input_tokens"u8, usage.InputTokens);
            w.WriteNumber("output_tokens"u8, usage.OutputTokens);
            w.WriteNumber("total_tokens"u8, usage.InputTokens + usage.OutputTokens);
            w.WriteEndObject();
            w.WriteEndObject();
            ServerSentEvents.EndEvent(pipe, w);
            await pipe.FlushAsync(call.Aborted);
        }

        gate.Settle(call, usage, succeeded: true);
    }

    private void CutStream(SimulatedCall call, in BilledUsage usage)
    {
        SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
        gate.Settle(call, usage with { OutputAudioTokens = 0 }, succeeded: false);
        throw new SimulatedStreamCutException();
    }
}
