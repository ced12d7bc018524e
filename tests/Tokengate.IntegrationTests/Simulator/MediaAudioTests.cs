using System.Buffers.Binary;
using System.ClientModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Audio;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class MediaAudioTests : IAsyncLifetime
{
    // 2.5 s at 16 kHz: whisper bills 3 s, gpt-4o-transcribe 25 audio tokens.
    private static readonly byte[] Fixture = MediaTestFiles.Wav(16_000, 40_000);

    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private static Task<SimulatorHarness> StartAsync(TimeProvider? time = null, double perTokenMs = 0) => SimulatorHarness.StartAsync(o =>
    {
        o.Deployments["whisper"] = new SimulatedDeploymentOptions { Model = "whisper-001" };
        o.Deployments["transcribe"] = new SimulatedDeploymentOptions { Model = "gpt-4o-transcribe-2025-03-20" };
        o.Deployments["tts"] = new SimulatedDeploymentOptions { Model = "tts-1-hd", Latency = new SimulatedLatencyOptions { PerTokenMs = perTokenMs } };
        o.Deployments["mini-tts"] = new SimulatedDeploymentOptions { Model = "gpt-4o-mini-tts-2025-03-20" };
    }, time);

    private static string Path(bool v1, string deployment, string operation) =>
        v1 ? $"openai/v1/audio/{operation}" : $"openai/deployments/{deployment}/audio/{operation}?api-version=2025-03-01-preview";

    private Task<HttpResponseMessage> UploadAsync(string deployment, string operation, byte[] file, string fileName = "clip.wav", bool v1 = false, params (string, string)[] fields)
    {
        var all = v1 ? [("model", deployment), .. fields] : fields;
        return MediaTestFiles.PostFormAsync(_sim, Path(v1, deployment, operation), MediaTestFiles.Form([("file", fileName, file)], all));
    }

    private async Task<JsonElement> UploadOkAsync(string deployment, string operation, byte[] file, bool v1 = false, params (string, string)[] fields)
    {
        using var response = await UploadAsync(deployment, operation, file, v1: v1, fields: fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Transcribe_WhisperJson_DurationUsageFromTheWavHeader(bool v1)
    {
        var body = await UploadOkAsync("whisper", "transcriptions", Fixture, v1);

        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("text").GetString()));
        var usage = body.GetProperty("usage");
        Assert.Equal("duration", usage.GetProperty("type").GetString());
        Assert.Equal(3, usage.GetProperty("seconds").GetDouble());

        var again = await UploadOkAsync("whisper", "transcriptions", Fixture, v1);
        Assert.Equal(body.GetProperty("text").GetString(), again.GetProperty("text").GetString());
        var other = await UploadOkAsync("whisper", "transcriptions", MediaTestFiles.Wav(16_000, 40_000, seed: 7), v1);
        Assert.NotEqual(body.GetProperty("text").GetString(), other.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Transcribe_WhisperVerboseJson_SegmentsWordsAndDuration()
    {
        var wav = MediaTestFiles.Wav(8_000, 96_000); // 12 s: three sentences
        var body = await UploadOkAsync("whisper", "transcriptions", wav, false,
            ("response_format", "verbose_json"), ("language", "de"), ("temperature", "0.2"),
            ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"));

        Assert.Equal("transcribe", body.GetProperty("task").GetString());
        Assert.Equal("german", body.GetProperty("language").GetString());
        Assert.Equal(12.0, body.GetProperty("duration").GetDouble());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("seconds").GetDouble());
        var segments = body.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(3, segments.Count);
        Assert.Equal(0, segments[0].GetProperty("start").GetDouble());
        Assert.Equal(12, segments[^1].GetProperty("end").GetDouble());
        Assert.Equal(body.GetProperty("text").GetString(), string.Join(' ', segments.Select(s => s.GetProperty("text").GetString()!.Trim())));
        foreach (var segment in segments)
        {
            foreach (var field in new[] { "id", "seek", "start", "end", "avg_logprob", "compression_ratio", "no_speech_prob" })
            {
                Assert.Equal(JsonValueKind.Number, segment.GetProperty(field).ValueKind);
            }

            Assert.Equal(0.2, segment.GetProperty("temperature").GetDouble());
            var tokens = segment.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            Assert.Equal(segment.GetProperty("text").GetString(), ReferenceTokenCounter.O200kBase.Decode(tokens));
        }

        var words = body.GetProperty("words").EnumerateArray().ToList();
        Assert.Equal(body.GetProperty("text").GetString()!.Split(' ').Length, words.Count);
        Assert.All(words, w => Assert.True(w.GetProperty("end").GetDouble() >= w.GetProperty("start").GetDouble()));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    public async Task Transcribe_WhisperPlainFormats_TextWithTimestamps(string format)
    {
        using var response = await UploadAsync("whisper", "transcriptions", MediaTestFiles.Wav(16_000, 160_000), fields: ("response_format", format));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        switch (format)
        {
            case "text":
                Assert.EndsWith(".\n", text, StringComparison.Ordinal);
                Assert.DoesNotContain("-->", text, StringComparison.Ordinal);
                break;
            case "srt":
                Assert.StartsWith("1\n00:00:00,000 --> 00:00:05,000\n", text, StringComparison.Ordinal);
                Assert.Contains("\n\n2\n00:00:05,000 --> 00:00:10,000\n", text, StringComparison.Ordinal);
                break;
            default:
                Assert.StartsWith("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n", text, StringComparison.Ordinal);
                break;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Transcribe_GptTranscribe_TokenUsage(bool v1)
    {
        const string prompt = "Names: Tokengate, Kestrel.";
        var body = await UploadOkAsync("transcribe", "transcriptions", Fixture, v1, ("prompt", prompt));

        var text = body.GetProperty("text").GetString()!;
        var usage = body.GetProperty("usage");
        var promptTokens = ReferenceTokenCounter.O200kBase.CountTokens(prompt);
        var outputTokens = ReferenceTokenCounter.O200kBase.CountTokens(text);
        Assert.Equal("tokens", usage.GetProperty("type").GetString());
        Assert.Equal(25, usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(promptTokens, usage.GetProperty("input_token_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(25 + promptTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(outputTokens, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(25 + promptTokens + outputTokens, usage.GetProperty("total_tokens").GetInt32());

        var stats = _sim.Control.GetStats("transcribe");
        Assert.Equal((25L, (long)promptTokens, (long)outputTokens), (stats.InputAudioTokens, stats.InputTextTokens, stats.OutputTextTokens));
        Assert.Equal(25 + promptTokens, stats.PromptTokens);
        Assert.Equal(outputTokens, stats.CompletionTokens);
        Assert.Equal(0, stats.AudioSeconds);
    }

    [Fact]
    public async Task Transcribe_GptTranscribeText_PlainTextAndOnlyJsonOrText()
    {
        using var text = await UploadAsync("transcribe", "transcriptions", Fixture, fields: ("response_format", "text"));
        Assert.Equal("text/plain", text.Content.Headers.ContentType!.MediaType);

        foreach (var format in new[] { "verbose_json", "srt", "vtt" })
        {
            using var refused = await UploadAsync("transcribe", "transcriptions", Fixture, fields: ("response_format", format));
            var error = (await SimulatorHarness.ReadJsonAsync(refused)).GetProperty("error");
            Assert.Equal(400, (int)refused.StatusCode);
            Assert.Equal("response_format", error.GetProperty("param").GetString());
        }
    }

    [Fact]
    public async Task Transcribe_GptTranscribeStream_DeltasThenDoneWithUsage()
    {
        using var response = await UploadAsync("transcribe", "transcriptions", Fixture, fields: ("stream", "true"));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = MediaTestFiles.ParseEvents(await response.Content.ReadAsStringAsync());

        var deltas = events[..^1];
        Assert.NotEmpty(deltas);
        Assert.All(deltas, e => Assert.Equal("transcript.text.delta", e.Data.GetProperty("type").GetString()));
        var done = events[^1].Data;
        Assert.Equal("transcript.text.done", done.GetProperty("type").GetString());
        var text = done.GetProperty("text").GetString()!;
        Assert.Equal(text, string.Concat(deltas.Select(e => e.Data.GetProperty("delta").GetString())));
        Assert.Equal(25, done.GetProperty("usage").GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(text), done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(1, _sim.Control.GetStats("transcribe").Succeeded);
    }

    [Fact]
    public async Task Transcribe_WhisperStream_Returns400()
    {
        using var response = await UploadAsync("whisper", "transcriptions", Fixture, fields: ("stream", "true"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("stream", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Translate_Whisper_TextWithoutUsageAndVerboseTask(bool v1)
    {
        var json = await UploadOkAsync("whisper", "translations", Fixture, v1);
        Assert.Equal(["text"], json.EnumerateObject().Select(p => p.Name));

        var verbose = await UploadOkAsync("whisper", "translations", Fixture, v1, ("response_format", "verbose_json"));
        Assert.Equal("translate", verbose.GetProperty("task").GetString());
        Assert.Equal("english", verbose.GetProperty("language").GetString());
        Assert.Equal(2.5, verbose.GetProperty("duration").GetDouble());
        Assert.False(verbose.TryGetProperty("usage", out _));
        Assert.Equal(6, _sim.Control.GetStats("whisper").AudioSeconds);
    }

    [Fact]
    public async Task Translate_GptTranscribe_OperationNotSupported()
    {
        using var response = await UploadAsync("transcribe", "translations", Fixture);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("OperationNotSupported", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Transcribe_BadUploads_AnsweredLikeTheService()
    {
        using var noFile = await MediaTestFiles.PostFormAsync(_sim, Path(false, "whisper", "transcriptions"), MediaTestFiles.Form([], ("response_format", "json")));
        var missing = (await SimulatorHarness.ReadJsonAsync(noFile)).GetProperty("error");
        Assert.Equal(400, (int)noFile.StatusCode);
        Assert.Equal(("file", "missing_required_parameter"), (missing.GetProperty("param").GetString(), missing.GetProperty("code").GetString()));

        using var wrongExtension = await UploadAsync("whisper", "transcriptions", Fixture, "notes.txt");
        var invalid = (await SimulatorHarness.ReadJsonAsync(wrongExtension)).GetProperty("error");
        Assert.Equal(400, (int)wrongExtension.StatusCode);
        Assert.Equal("invalid_request_error", invalid.GetProperty("type").GetString());
        Assert.Equal("Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']", invalid.GetProperty("message").GetString());

        using var noModel = await MediaTestFiles.PostFormAsync(_sim, "openai/v1/audio/transcriptions", MediaTestFiles.Form([("file", "a.wav", Fixture)]));
        Assert.Equal(400, (int)noModel.StatusCode);
        Assert.Equal("model", (await SimulatorHarness.ReadJsonAsync(noModel)).GetProperty("error").GetProperty("param").GetString());

        using var tooShort = await UploadAsync("whisper", "transcriptions", MediaTestFiles.Wav(16_000, 800));
        Assert.Equal("audio_too_short", (await SimulatorHarness.ReadJsonAsync(tooShort)).GetProperty("error").GetProperty("code").GetString());

        using var onChat = await UploadAsync("chat", "transcriptions", Fixture);
        Assert.Equal("OperationNotSupported", (await SimulatorHarness.ReadJsonAsync(onChat)).GetProperty("error").GetProperty("code").GetString());

        using var json = await _sim.PostAsync(Path(false, "whisper", "transcriptions"), "{}");
        Assert.Equal(400, (int)json.StatusCode);
    }

    [Fact]
    public async Task Transcribe_FileOver25MB_Returns413()
    {
        var big = new byte[(25 * 1024 * 1024) + 1];
        using var response = await UploadAsync("whisper", "transcriptions", big, "big.mp3");
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(413, (int)response.StatusCode);
        Assert.StartsWith("Maximum content size limit (26214400) exceeded (", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public async Task Speech_Wav_DurationIsCharactersOver15DividedBySpeed(double speed)
    {
        var input = new string('a', 150) + " spoken";
        using var response = await _sim.PostAsync(Path(false, "tts", "speech"), JsonSerializer.Serialize(new { input, voice = "alloy", response_format = "wav", speed }));
        var wav = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(wav.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)));
        Assert.Equal("WAVEfmt ", Encoding.ASCII.GetString(wav, 8, 8));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)));
        Assert.Equal(24_000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34)));
        Assert.Equal("data", Encoding.ASCII.GetString(wav, 36, 4));
        var dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.Equal(wav.Length - 44, dataBytes);
        Assert.Equal(input.Length / 15.0 / speed, dataBytes / 2 / 24_000.0, 4);
        Assert.Equal(input.Length, _sim.Control.GetStats("tts").Characters);
    }

    [Fact]
    public async Task Speech_Mp3_FramesParseAndMatchTheDuration()
    {
        var input = new string('x', 300); // 20 s
        using var response = await _sim.PostAsync(Path(true, "tts", "speech"), JsonSerializer.Serialize(new { model = "tts", input, voice = "nova" }));
        var mp3 = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType!.MediaType);
        var frames = 0;
        var offset = 0;
        while (offset < mp3.Length)
        {
            Assert.Equal(0xFF, mp3[offset]);
            Assert.Equal(0xFB, mp3[offset + 1]);              // MPEG-1 Layer III, no CRC
            Assert.Equal(9, mp3[offset + 2] >> 4);            // 128 kbit/s
            Assert.Equal(0, (mp3[offset + 2] >> 2) & 3);      // 44.1 kHz
            var padding = (mp3[offset + 2] >> 1) & 1;
            offset += (144 * 128_000 / 44_100) + padding;
            frames++;
        }

        Assert.Equal(mp3.Length, offset);
        Assert.Equal((int)Math.Ceiling(20 * 44_100 / 1152.0), frames);

        // The simulator's own file round-trips: transcription reads the duration from its frames.
        var body = await UploadOkAsync("whisper", "transcriptions", mp3, false, ("response_format", "verbose_json"));
        Assert.Equal(frames * 1152 / 44_100.0, body.GetProperty("duration").GetDouble(), 3);
        Assert.Equal(21, body.GetProperty("usage").GetProperty("seconds").GetDouble());
    }

    [Fact]
    public async Task Speech_OtherFormats_ValidContainersAndContentTypes()
    {
        var input = new string('y', 45); // 3 s
        async Task<(string Type, byte[] Bytes)> SpeakAsync(string format)
        {
            using var response = await _sim.PostAsync(Path(false, "tts", "speech"), JsonSerializer.Serialize(new { input, voice = "echo", response_format = format }));
            Assert.Equal(200, (int)response.StatusCode);
            return (response.Content.Headers.ContentType!.MediaType!, await response.Content.ReadAsByteArrayAsync());
        }

        var (pcmType, pcm) = await SpeakAsync("pcm");
        Assert.Equal(("audio/pcm", 3 * 24_000 * 2), (pcmType, pcm.Length));

        var (flacType, flac) = await SpeakAsync("flac");
        Assert.Equal("audio/flac", flacType);
        Assert.Equal("fLaC", Encoding.ASCII.GetString(flac, 0, 4));
        var info = BinaryPrimitives.ReadUInt64BigEndian(flac.AsSpan(18));
        Assert.Equal((24_000UL, 72_000UL), (info >> 44, info & 0xF_FFFF_FFFFUL));
        Assert.Equal(new byte[] { 0xFF, 0xF8 }, flac[42..44]);

        var (aacType, aac) = await SpeakAsync("aac");
        Assert.Equal("audio/aac", aacType);
        Assert.Equal(0, aac.Length % 11);
        Assert.Equal((int)Math.Ceiling(72_000 / 1024.0), aac.Length / 11);
        for (var i = 0; i < aac.Length; i += 11)
        {
            Assert.Equal((0xFF, 0xF1), (aac[i], aac[i + 1]));
        }

        var (opusType, opus) = await SpeakAsync("opus");
        Assert.Equal("audio/opus", opusType);
        Assert.Equal("OggS", Encoding.ASCII.GetString(opus, 0, 4));
        Assert.Equal("OpusHead", Encoding.ASCII.GetString(opus, 28, 8));
        var lastPage = opus.AsSpan().LastIndexOf("OggS"u8);
        Assert.Equal(0x04, opus[lastPage + 5]);
        Assert.Equal(3 * 48_000, BinaryPrimitives.ReadInt64LittleEndian(opus.AsSpan(lastPage + 6)));
    }

    [Fact]
    public async Task Speech_GptMiniTtsSse_AudioDeltasThenDoneWithUsage()
    {
        const string input = "Hello from the simulator, speaking in events.";
        const string instructions = "Cheerful.";
        using var response = await _sim.PostAsync(Path(false, "mini-tts", "speech"),
            JsonSerializer.Serialize(new { input, voice = "coral", instructions, stream_format = "sse", response_format = "pcm" }));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = MediaTestFiles.ParseEvents(await response.Content.ReadAsStringAsync());

        var audio = events[..^1].SelectMany(e =>
        {
            Assert.Equal("speech.audio.delta", e.Data.GetProperty("type").GetString());
            return Convert.FromBase64String(e.Data.GetProperty("audio").GetString()!);
        }).ToArray();
        var seconds = input.Length / 15.0;
        Assert.Equal(Math.Round(seconds * 24_000) * 2, audio.Length);
        var done = events[^1].Data;
        Assert.Equal("speech.audio.done", done.GetProperty("type").GetString());
        var inputTokens = ReferenceTokenCounter.O200kBase.CountTokens(input) + ReferenceTokenCounter.O200kBase.CountTokens(instructions);
        var outputTokens = (int)Math.Ceiling(seconds * 10);
        var usage = done.GetProperty("usage");
        Assert.Equal((inputTokens, outputTokens, inputTokens + outputTokens),
            (usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));

        var stats = _sim.Control.GetStats("mini-tts");
        Assert.Equal((inputTokens, outputTokens, 0L), (stats.InputTextTokens, stats.OutputAudioTokens, stats.Characters));
    }

    [Fact]
    public async Task Speech_BadInput_Returns400()
    {
        async Task<string?> ParamAsync(string deployment, object body)
        {
            using var response = await _sim.PostAsync(Path(false, deployment, "speech"), JsonSerializer.Serialize(body));
            Assert.Equal(400, (int)response.StatusCode);
            return (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("param").GetString();
        }

        Assert.Equal("stream_format", await ParamAsync("tts", new { input = "x", voice = "alloy", stream_format = "sse" }));
        Assert.Equal("input", await ParamAsync("tts", new { input = new string('z', 4097), voice = "alloy" }));
        Assert.Equal("input", await ParamAsync("tts", new { voice = "alloy" }));
        Assert.Equal("voice", await ParamAsync("tts", new { input = "x" }));
        Assert.Equal("speed", await ParamAsync("tts", new { input = "x", voice = "alloy", speed = 5 }));
        Assert.Equal("response_format", await ParamAsync("tts", new { input = "x", voice = "alloy", response_format = "ogg" }));
        Assert.Equal(6, _sim.Control.GetStats("tts").Failed);
    }

    [Fact]
    public async Task Speech_Relay_FirstChunkArrivesWhileTheRestWaitsOnTheClock()
    {
        // The clock never moves: the first chunk (the WAV header) leaves at once, every later one waits a per-token delay.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var sim = await StartAsync(time, perTokenMs: 1_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(false, "tts", "speech"))
        {
            Content = new StringContent("""{"input":"A sentence long enough for several chunks of audio.","voice":"alloy","response_format":"wav"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await sim.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();

        var header = new byte[44];
        await stream.ReadExactlyAsync(header);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(header, 0, 4));
        var next = stream.ReadAsync(new byte[16]);
        Assert.False(next.IsCompleted);
        Assert.Equal(0, sim.Control.GetStats("tts").Succeeded);
    }

    [Fact]
    public async Task Speech_StreamCut_DeliversTheFirstChunksThenDrops()
    {
        _sim.Control.Update("tts", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 2;
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, Path(false, "tts", "speech"))
        {
            Content = new StringContent($$"""{"input":"{{new string('w', 150)}}","voice":"alloy","response_format":"pcm"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => response.Content.ReadAsStream().CopyToAsync(received));

        Assert.Equal(2 * 12_000 * 2, received.Length); // two half-second chunks of 16-bit samples
        var stats = _sim.Control.GetStats("tts");
        Assert.Equal((0, 1, 0L), (stats.Succeeded, stats.Failed, stats.Characters));
    }

    [Fact]
    public async Task Faults_FailNextAndThrottle_ApplyToAudioOperations()
    {
        _sim.Control.FailNext("whisper", 1, 500);
        using var failed = await UploadAsync("whisper", "transcriptions", Fixture);
        Assert.Equal(500, (int)failed.StatusCode);

        _sim.Control.ThrottleFor("mini-tts", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(3));
        using var throttled = await _sim.PostAsync(Path(false, "mini-tts", "speech"), """{"input":"x","voice":"alloy"}""");
        Assert.Equal(429, (int)throttled.StatusCode);
        Assert.Equal("3", SimulatorHarness.Header(throttled, "retry-after"));
        Assert.Contains("Speech_Create", (await SimulatorHarness.ReadJsonAsync(throttled)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var ok = await UploadAsync("whisper", "transcriptions", Fixture);
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(3, _sim.Control.GetStats("whisper").AudioSeconds);
    }

    [Fact]
    public async Task OpenAIClient_AudioClientTranscribeAudio_ReadsTextAndDuration()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key),
            new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") });
        var audio = client.GetAudioClient("whisper");

        AudioTranscription plain = await audio.TranscribeAudioAsync(new MemoryStream(Fixture), "fixture.wav");
        Assert.False(string.IsNullOrWhiteSpace(plain.Text));

        // The client disposes the stream it sent, so each call gets its own.
        AudioTranscription verbose = await audio.TranscribeAudioAsync(new MemoryStream(Fixture), "fixture.wav", new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment,
        });
        Assert.Equal(plain.Text, verbose.Text);
        Assert.Equal(TimeSpan.FromSeconds(2.5), verbose.Duration);
        Assert.NotEmpty(verbose.Segments);
        Assert.NotEmpty(verbose.Words);

        BinaryData speech = await client.GetAudioClient("tts").GenerateSpeechAsync("Hello there", GeneratedSpeechVoice.Alloy,
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav });
        Assert.Equal("RIFF", Encoding.ASCII.GetString(speech.ToArray(), 0, 4));
    }
}
