using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Transcriptions and translations of an uploaded audio file. The transcript comes from the file's bytes
/// (<see cref="TranscriptGenerator"/>), its duration from the container (<see cref="AudioProbe"/>). whisper bills the
/// duration in whole seconds and answers every format; the gpt-4o transcribe models bill tokens (ten audio tokens a
/// second, the prompt's text tokens in, the transcript's tokens out), answer json or text, and can stream.
/// </summary>
internal sealed class TranscriptionsResponder(SimulatorRuntime runtime, AdmissionGate gate, ILogger<TranscriptionsResponder> logger)
{
    /// <summary>Audio tokens per second of input audio (token-billed transcription).</summary>
    public const int AudioTokensPerSecond = 10;

    /// <summary>The shortest audio the service accepts.</summary>
    public const double MinimumSeconds = 0.1;

    private static readonly string[] AudioExtensions = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "english", ["de"] = "german", ["fr"] = "french", ["es"] = "spanish", ["it"] = "italian",
        ["pt"] = "portuguese", ["nl"] = "dutch", ["sv"] = "swedish", ["pl"] = "polish", ["ja"] = "japanese",
        ["zh"] = "chinese", ["ko"] = "korean", ["ru"] = "russian", ["ar"] = "arabic", ["hi"] = "hindi",
    };

    public async Task HandleAsync(SimulatedCall call, MediaForm form)
    {
        var translation = call.Operation == MediaOperations.Translations;
        var family = call.Snapshot.Model.Media;
        var tokenBilled = family == MediaModelFamily.GptTranscribe;
        var p = MediaParameters.FromForm(form);
        var file = form.FilesNamed("file") is [var first, ..] ? first : null;
        if (file is null)
        {
            p.Fail(RequestErrors.Missing("file"));
        }

        var format = p.Choice("response_format", "json", "text", "srt", "verbose_json", "vtt") ?? "json";
        var language = translation ? null : p.String("language");
        var prompt = p.String("prompt");
        var temperature = p.Number("temperature", 0, 1) ?? 0;
        var granularities = translation ? [] : p.Strings("timestamp_granularities");
        var stream = !translation && (p.Bool("stream") ?? false);
        if (granularities.FirstOrDefault(g => g is not ("word" or "segment")) is { } granularity)
        {
            p.Fail(RequestErrors.InvalidValue("timestamp_granularities", $"Invalid value: '{granularity}'. Supported values are: 'word' and 'segment'."));
        }
        else if (granularities.Count > 0 && format != "verbose_json")
        {
            p.Fail(RequestErrors.InvalidValue("timestamp_granularities", "response_format must be set verbose_json to use timestamp granularities."));
        }

        if (tokenBilled && format is not ("json" or "text"))
        {
            p.Fail((string.Create(CultureInfo.InvariantCulture, $"response_format '{format}' is not compatible with model '{call.Snapshot.Options.Model}'. Use 'json' or 'text' instead."), "response_format", "unsupported_value"));
        }

        if (stream && !tokenBilled)
        {
            p.Fail(("Streaming is not supported for this model. Use gpt-4o-transcribe or gpt-4o-mini-transcribe to stream transcripts.", "stream", "unsupported_value"));
        }

        if (file is not null && p.Error is null && !AudioExtensions.Contains(Path.GetExtension(file.FileName).TrimStart('.').ToLowerInvariant()))
        {
            p.Fail(("Invalid file format. Supported formats: ['" + string.Join("', '", AudioExtensions) + "']", null, null));
        }

        var (seconds, _) = file is null ? (0, string.Empty) : AudioProbe.Duration(file.Content);
        if (file is not null && p.Error is null && seconds < MinimumSeconds)
        {
            p.Fail(("Audio file is too short. Minimum audio length is 0.1 seconds.", "file", "audio_too_short"));
        }

        if (p.Error is { } error)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
            return;
        }

        var transcript = TranscriptGenerator.For(file!.Content, seconds);
        var tokenizer = runtime.Tokenizers.Get(call.Snapshot.Model.Encoding);
        BilledUsage usage;
        if (tokenBilled)
        {
            usage = new BilledUsage
            {
                InputTextTokens = string.IsNullOrEmpty(prompt) ? 0 : tokenizer.CountTokens(prompt),
                InputAudioTokens = (long)Math.Ceiling((seconds * AudioTokensPerSecond) - 1e-9),
                OutputTextTokens = tokenizer.CountTokens(transcript.Text),
            };
        }
        else
        {
            usage = new BilledUsage { AudioSeconds = Math.Ceiling(seconds - 1e-9) };
        }

        if (!await gate.PassFaultsAsync(call) || !await gate.TryAdmitAsync(call, usage.InputTokens, usage.InputTokens + usage.OutputTokens))
        {
            return;
        }

        if (stream)
        {
            await StreamAsync(call, transcript, usage);
            return;
        }

        await gate.DelayAsync(call.Snapshot.Options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (format is "text" or "srt" or "vtt")
        {
            response.ContentType = "text/plain; charset=utf-8";
            var text = format switch
            {
                "srt" => SubtitleWriter.Srt(transcript),
                "vtt" => SubtitleWriter.Vtt(transcript),
                _ => transcript.Text + "\n",
            };
            await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(text), call.Aborted);
        }
        else
        {
            response.ContentType = "application/json";
            var writer = JsonWriterCache.Rent(response.BodyWriter);
            try
            {
                writer.WriteStartObject();
                if (format == "verbose_json")
                {
                    writer.WriteString("task"u8, translation ? "translate"u8 : "transcribe"u8);
                    writer.WriteString("language"u8, translation ? "english" : LanguageName(language));
                    writer.WriteNumber("duration"u8, Math.Round(seconds, 3));
                }

                writer.WriteString("text"u8, transcript.Text);
                if (format == "verbose_json")
                {
                    WriteTimings(writer, transcript, granularities, temperature, tokenizer);
                }

                if (!translation)
                {
                    WriteUsage(writer, usage, tokenBilled);
                }

                writer.WriteEndObject();
                writer.Flush();
            }
            finally
            {
                JsonWriterCache.Return(writer);
            }
        }

        await response.BodyWriter.FlushAsync(call.Aborted);
        gate.Settle(call, usage, succeeded: true);
    }

    /// <summary>
    /// <c>stream=true</c>: one <c>transcript.text.delta</c> event a word, then <c>transcript.text.done</c> with the
    /// text and usage; <c>data:</c> lines only, no <c>[DONE]</c>.
    /// </summary>
    private async Task StreamAsync(SimulatedCall call, Transcript transcript, BilledUsage usage)
    {
        var options = call.Snapshot.Options;
        var cut = call.Deployment.TryConsumeStreamCut() || runtime.Random.Chance(options.Faults.MidStreamCutRate);
        await gate.DelayAsync(options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        var pipe = response.BodyWriter;

        var words = transcript.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (cut && i >= options.Faults.MidStreamCutAfterChunks)
            {
                CutStream(call, usage);
            }

            await gate.DelayAsync(options.Latency.PerTokenMs, call);
            var w = ServerSentEvents.BeginEvent(pipe);
            w.WriteStartObject();
            w.WriteString("type"u8, "transcript.text.delta"u8);
            w.WriteString("delta"u8, i == 0 ? words[i] : " " + words[i]);
            w.WriteEndObject();
            ServerSentEvents.EndEvent(pipe, w);
            await pipe.FlushAsync(call.Aborted);
        }

        if (cut)
        {
            CutStream(call, usage);
        }

        var done = ServerSentEvents.BeginEvent(pipe);
        done.WriteStartObject();
        done.WriteString("type"u8, "transcript.text.done"u8);
        done.WriteString("text"u8, transcript.Text);
        WriteUsage(done, usage, tokenBilled: true);
        done.WriteEndObject();
        ServerSentEvents.EndEvent(pipe, done);
        await pipe.FlushAsync(call.Aborted);
        gate.Settle(call, usage, succeeded: true);
    }

    private void CutStream(SimulatedCall call, in BilledUsage usage)
    {
        SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
        gate.Settle(call, usage with { OutputTextTokens = 0 }, succeeded: false);
        throw new SimulatedStreamCutException();
    }

    private static void WriteUsage(Utf8JsonWriter writer, in BilledUsage usage, bool tokenBilled)
    {
        writer.WriteStartObject("usage"u8);
        if (tokenBilled)
        {
            writer.WriteString("type"u8, "tokens"u8);
            writer.WriteNumber("input_tokens"u8, usage.InputTokens);
            writer.WriteStartObject("input_token_details"u8);
            writer.WriteNumber("text_tokens"u8, usage.InputTextTokens);
            writer.WriteNumber("audio_tokens"u8, usage.InputAudioTokens);
            writer.WriteEndObject();
            writer.WriteNumber("output_tokens"u8, usage.OutputTokens);
            writer.WriteNumber("total_tokens"u8, usage.InputTokens + usage.OutputTokens);
        }
        else
        {
            writer.WriteString("type"u8, "duration"u8);
            writer.WriteNumber("seconds"u8, usage.AudioSeconds);
        }

        writer.WriteEndObject();
    }

    /// <summary>verbose_json's <c>segments</c> (unless only words were asked for) and <c>words</c> (when asked for).</summary>
    private static void WriteTimings(Utf8JsonWriter writer, Transcript transcript, IReadOnlyList<string> granularities, double temperature, Microsoft.ML.Tokenizers.Tokenizer tokenizer)
    {
        if (granularities.Count == 0 || granularities.Contains("segment"))
        {
            writer.WriteStartArray("segments"u8);
            foreach (var segment in transcript.Segments)
            {
                var text = " " + segment.Text;
                writer.WriteStartObject();
                writer.WriteNumber("id"u8, segment.Id);
                writer.WriteNumber("seek"u8, (int)(Math.Floor(segment.Start / 30) * 3000));
                writer.WriteNumber("start"u8, segment.Start);
                writer.WriteNumber("end"u8, segment.End);
                writer.WriteString("text"u8, text);
                writer.WriteStartArray("tokens"u8);
                foreach (var id in tokenizer.EncodeToIds(text))
                {
                    writer.WriteNumberValue(id);
                }

                writer.WriteEndArray();
                writer.WriteNumber("temperature"u8, temperature);
                writer.WriteNumber("avg_logprob"u8, Math.Round(-0.18 - (0.03 * (segment.Id % 5)), 4));
                writer.WriteNumber("compression_ratio"u8, Math.Round(1.25 + (0.05 * (segment.Id % 4)), 4));
                writer.WriteNumber("no_speech_prob"u8, Math.Round(0.005 + (0.002 * (segment.Id % 3)), 4));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (granularities.Contains("word"))
        {
            writer.WriteStartArray("words"u8);
            foreach (var segment in transcript.Segments)
            {
                foreach (var (word, start, end) in TranscriptGenerator.Words(segment))
                {
                    writer.WriteStartObject();
                    writer.WriteString("word"u8, word);
                    writer.WriteNumber("start"u8, start);
                    writer.WriteNumber("end"u8, end);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }
    }

    private static string LanguageName(string? code) =>
        code is null ? "english" : LanguageNames.TryGetValue(code, out var name) ? name : code.ToLowerInvariant();
}
