using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>The realtime API over WebSocket: both protocols, billing, errors and faults, against a real simulator.</summary>
public sealed class RealtimeTests : IAsyncLifetime
{
    private const string Model = "gpt-realtime-2025-08-28";
    private const string GaPath = "openai/v1/realtime?model=realtime";
    private const string BetaPath = "openai/realtime?api-version=2025-04-01-preview&deployment=realtime";

    // pcm16 at 24 kHz mono: 48,000 bytes a second, 10 audio tokens a second.
    private const int BytesPerSecond = 48_000;
    private const int BytesPerAudioToken = 4_800;

    private static readonly string OneSecondOfAudio = Convert.ToBase64String(new byte[BytesPerSecond]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(o =>
    {
        o.Deployments["realtime"] = new SimulatedDeploymentOptions { Model = Model };
        o.Deployments["transcribe"] = new SimulatedDeploymentOptions { Model = "gpt-4o-transcribe" };
        o.Deployments["whisper"] = new SimulatedDeploymentOptions { Model = "whisper-001" };
    }, _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Connect_GaRoute_SessionCreatedWithTheDeploymentsModel()
    {
        await using var client = await ConnectAsync(GaPath);

        var created = await client.ReceiveAsync();

        Assert.Equal("session.created", RealtimeTestClient.Type(created));
        Assert.StartsWith("event_", created.GetProperty("event_id").GetString(), StringComparison.Ordinal);
        var session = created.GetProperty("session");
        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal("realtime.session", session.GetProperty("object").GetString());
        Assert.StartsWith("sess_", session.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(Model, session.GetProperty("model").GetString());
        Assert.Equal(["audio"], Strings(session.GetProperty("output_modalities")));
        Assert.Equal(JsonValueKind.Null, session.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);
        Assert.Equal("audio/pcm", session.GetProperty("audio").GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(24_000, session.GetProperty("audio").GetProperty("output").GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("alloy", session.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal("inf", session.GetProperty("max_output_tokens").GetString());
        Assert.Empty(session.GetProperty("tools").EnumerateArray());
        Assert.Equal("realtime", client.Socket.SubProtocol);
        Assert.Equal(1, _sim.Control.GetStats("realtime").RequestsReceived);
    }

    [Fact]
    public async Task TextTurn_GaRoute_DeltasMakeTheDoneTextAndUsageCountsTheConversation()
    {
        await using var client = await ConnectAsync(GaPath);
        var sessionId = (await client.ReceiveTypeAsync("session.created")).GetProperty("session").GetProperty("id").GetString()!;
        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","output_modalities":["text"],"instructions":"Be brief."}}""");
        var updated = await client.ReceiveAsync();
        Assert.Equal("session.updated", RealtimeTestClient.Type(updated));
        Assert.Equal(["text"], Strings(updated.GetProperty("session").GetProperty("output_modalities")));
        Assert.Equal("Be brief.", updated.GetProperty("session").GetProperty("instructions").GetString());

        await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Hello there, how are you today?"}]}}""");
        var added = await client.ReceiveAsync();
        Assert.Equal("conversation.item.added", RealtimeTestClient.Type(added));
        Assert.Equal("input_text", added.GetProperty("item").GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("conversation.item.done", RealtimeTestClient.Type(await client.ReceiveAsync()));

        await client.SendAsync("""{"type":"response.create"}""");
        var events = await client.ReceiveThroughAsync("response.done");

        var types = RealtimeTestClient.Types(events);
        var deltas = types.Count(t => t == "response.output_text.delta");
        Assert.True(deltas > 0);
        string[] expected =
        [
            "response.created", "rate_limits.updated", "response.output_item.added", "conversation.item.added", "response.content_part.added",
            .. Enumerable.Repeat("response.output_text.delta", deltas),
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done",
        ];
        Assert.Equal(expected, types);
        Assert.Empty(events[2].GetProperty("item").GetProperty("content").EnumerateArray());
        Assert.Equal("in_progress", events[2].GetProperty("item").GetProperty("status").GetString());
        var text = string.Concat(events.Where(e => RealtimeTestClient.Type(e) == "response.output_text.delta").Select(e => e.GetProperty("delta").GetString()));
        Assert.Equal(text, events.Single(e => RealtimeTestClient.Type(e) == "response.output_text.done").GetProperty("text").GetString());
        Assert.Equal(deltas, ReferenceTokenCounter.O200kBase.CountTokens(text));

        var response = events[^1].GetProperty("response");
        Assert.Equal("realtime.response", response.GetProperty("object").GetString());
        Assert.StartsWith("resp_", response.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", response.GetProperty("status").GetString());
        var item = response.GetProperty("output")[0];
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        Assert.Equal("output_text", item.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(text, item.GetProperty("content")[0].GetProperty("text").GetString());

        var promptText = Tokens("Be brief.") + Tokens("Hello there, how are you today?");
        AssertUsage(response.GetProperty("usage"), inputText: promptText, inputAudio: 0, outputText: Tokens(text), outputAudio: 0);
        var stats = _sim.Control.GetStats("realtime");
        Assert.Equal((1, 1L, (long)promptText, (long)Tokens(text)), (stats.RequestsReceived, stats.Succeeded, stats.PromptTokens, stats.CompletionTokens));

        // The whole conversation, the first answer included, is input to the next response.
        await client.SendAsync("""{"type":"response.create","response":{"instructions":""}}""");
        var second = (await client.ReceiveTypeAsync("response.done")).GetProperty("response");
        var secondText = second.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;
        AssertUsage(second.GetProperty("usage"), inputText: Tokens("Hello there, how are you today?") + Tokens(text), inputAudio: 0, outputText: Tokens(secondText), outputAudio: 0);

        var totals = _sim.Server.RealtimeSessions.Get(sessionId)!;
        Assert.Equal((2, 2), (totals.Responses, totals.Completed));
        Assert.Equal(promptText + Tokens("Hello there, how are you today?") + Tokens(text), totals.InputTextTokens);
        Assert.Equal(Tokens(text) + Tokens(secondText), totals.OutputTextTokens);
        Assert.Equal(0, totals.OutputAudioTokens);
        Assert.True(totals.Open);

        using var listed = await _sim.Http.GetAsync($"_simulator/realtime/sessions/{sessionId}");
        var view = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(totals.OutputTextTokens, view.GetProperty("outputTextTokens").GetInt64());
        Assert.Equal("ga", view.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task TextTurn_SameConversation_SameAnswer()
    {
        var first = await AnswerAsync();
        var second = await AnswerAsync();

        Assert.Equal(first, second);

        async Task<string> AnswerAsync()
        {
            await using var client = await ConnectAsync(GaPath);
            await client.ReceiveTypeAsync("session.created");
            await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Same question"}]}}""");
            await client.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
            var done = await client.ReceiveTypeAsync("response.done");
            return done.GetProperty("response").GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!;
        }
    }

    [Fact]
    public async Task AudioTurn_OneSecondCommitted_AudioOutMatchesItsTokens()
    {
        await using var client = await ConnectAsync(GaPath);
        await client.ReceiveTypeAsync("session.created");
        var half = Convert.ToBase64String(new byte[BytesPerSecond / 2]);
        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{half}}"}""");
        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{half}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var committed = await client.ReceiveAsync();
        Assert.Equal("input_audio_buffer.committed", RealtimeTestClient.Type(committed));
        Assert.Equal(JsonValueKind.Null, committed.GetProperty("previous_item_id").ValueKind);
        var added = await client.ReceiveAsync();
        Assert.Equal("conversation.item.added", RealtimeTestClient.Type(added));
        Assert.Equal(committed.GetProperty("item_id").GetString(), added.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal("input_audio", added.GetProperty("item").GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("conversation.item.done", RealtimeTestClient.Type(await client.ReceiveAsync()));

        await client.SendAsync("""{"type":"response.create"}""");
        var events = await client.ReceiveThroughAsync("response.done");

        var audioBytes = events.Where(e => RealtimeTestClient.Type(e) == "response.output_audio.delta")
            .Sum(e => Convert.FromBase64String(e.GetProperty("delta").GetString()!).Length);
        var transcript = string.Concat(events.Where(e => RealtimeTestClient.Type(e) == "response.output_audio_transcript.delta").Select(e => e.GetProperty("delta").GetString()));
        Assert.Equal(transcript, events.Single(e => RealtimeTestClient.Type(e) == "response.output_audio_transcript.done").GetProperty("transcript").GetString());
        Assert.Single(events, e => RealtimeTestClient.Type(e) == "response.output_audio.done");
        Assert.Equal("audio", events.Single(e => RealtimeTestClient.Type(e) == "response.content_part.added").GetProperty("part").GetProperty("type").GetString());
        Assert.DoesNotContain("response.output_text.delta", RealtimeTestClient.Types(events));

        var response = events[^1].GetProperty("response");
        var content = response.GetProperty("output")[0].GetProperty("content")[0];
        Assert.Equal("output_audio", content.GetProperty("type").GetString());
        Assert.Equal(transcript, content.GetProperty("transcript").GetString());
        Assert.False(content.TryGetProperty("audio", out _));
        var usage = response.GetProperty("usage");
        var outputAudio = usage.GetProperty("output_token_details").GetProperty("audio_tokens").GetInt32();
        Assert.True(audioBytes > 0);
        Assert.Equal(audioBytes, outputAudio * BytesPerAudioToken);
        AssertUsage(usage, inputText: 0, inputAudio: 10, outputText: Tokens(transcript), outputAudio: outputAudio);

        // The answer's audio, not its transcript, is input to the next response.
        await client.SendAsync("""{"type":"response.create"}""");
        var next = (await client.ReceiveTypeAsync("response.done")).GetProperty("response").GetProperty("usage");
        Assert.Equal(10 + outputAudio, next.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(0, next.GetProperty("input_token_details").GetProperty("text_tokens").GetInt32());
    }

    [Fact]
    public async Task InputTranscription_TokenModel_CompletedEventWithTokenUsage()
    {
        await using var client = await ConnectAsync(GaPath);
        await client.ReceiveTypeAsync("session.created");
        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"transcription":{"model":"transcribe"}}}}}""");
        var updated = await client.ReceiveTypeAsync("session.updated");
        Assert.Equal("transcribe", updated.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("transcription").GetProperty("model").GetString());

        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{OneSecondOfAudio}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        var events = await client.ReceiveThroughAsync("conversation.item.input_audio_transcription.completed");

        Assert.Equal(["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done", "conversation.item.input_audio_transcription.completed"], RealtimeTestClient.Types(events));
        var completed = events[^1];
        Assert.Equal(events[0].GetProperty("item_id").GetString(), completed.GetProperty("item_id").GetString());
        Assert.Equal(0, completed.GetProperty("content_index").GetInt32());
        var transcript = completed.GetProperty("transcript").GetString()!;
        Assert.NotEmpty(transcript);
        var usage = completed.GetProperty("usage");
        Assert.Equal("tokens", usage.GetProperty("type").GetString());
        Assert.Equal(10, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("input_token_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(Tokens(transcript), usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(10 + Tokens(transcript), usage.GetProperty("total_tokens").GetInt32());

        // The transcript is for reference only: the next response still hears audio.
        await client.SendAsync("""{"type":"conversation.item.retrieve","item_id":"%ID%"}""".Replace("%ID%", completed.GetProperty("item_id").GetString(), StringComparison.Ordinal));
        var retrieved = await client.ReceiveTypeAsync("conversation.item.retrieved");
        Assert.Equal(transcript, retrieved.GetProperty("item").GetProperty("content")[0].GetProperty("transcript").GetString());
        Assert.Equal(0, _sim.Control.GetStats("realtime").Succeeded);
    }

    [Fact]
    public async Task InputTranscription_WhisperDeployment_DurationUsageOnTheBetaRoute()
    {
        await using var client = await ConnectAsync(BetaPath);
        var sessionId = (await client.ReceiveTypeAsync("session.created")).GetProperty("session").GetProperty("id").GetString()!;
        await client.SendAsync("""{"type":"session.update","session":{"input_audio_transcription":{"model":"whisper"}}}""");
        await client.ReceiveTypeAsync("session.updated");
        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{OneSecondOfAudio}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var events = await client.ReceiveThroughAsync("conversation.item.input_audio_transcription.completed");

        Assert.Equal(["input_audio_buffer.committed", "conversation.item.created", "conversation.item.input_audio_transcription.completed"], RealtimeTestClient.Types(events));
        var usage = events[^1].GetProperty("usage");
        Assert.Equal("duration", usage.GetProperty("type").GetString());
        Assert.Equal(1.0, usage.GetProperty("seconds").GetDouble());
        var totals = _sim.Server.RealtimeSessions.Get(sessionId)!;
        Assert.Equal((1, 1.0, 0L), (totals.Transcriptions, totals.TranscriptionSeconds, totals.TranscriptionInputTokens));
    }

    [Fact]
    public async Task BetaRoute_BetaEventNamesAndSessionShape()
    {
        await using var client = await ConnectAsync(BetaPath);
        var session = (await client.ReceiveTypeAsync("session.created")).GetProperty("session");
        Assert.Equal(Model, session.GetProperty("model").GetString());
        Assert.Equal(["text", "audio"], Strings(session.GetProperty("modalities")));
        Assert.Equal("pcm16", session.GetProperty("input_audio_format").GetString());
        Assert.Equal("alloy", session.GetProperty("voice").GetString());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("turn_detection").ValueKind);
        Assert.Equal("inf", session.GetProperty("max_response_output_tokens").GetString());
        Assert.False(session.TryGetProperty("type", out _));
        Assert.False(session.TryGetProperty("audio", out _));

        await client.SendAsync("""{"type":"session.update","session":{"modalities":["text"],"voice":"verse"}}""");
        Assert.Equal("verse", (await client.ReceiveTypeAsync("session.updated")).GetProperty("session").GetProperty("voice").GetString());
        await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]}}""");
        Assert.Equal("conversation.item.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
        await client.SendAsync("""{"type":"response.create"}""");
        var text = await client.ReceiveThroughAsync("response.done");
        await client.SendAsync("""{"type":"response.create","response":{"modalities":["audio","text"]}}""");
        var audio = await client.ReceiveThroughAsync("response.done");

        var textTypes = RealtimeTestClient.Types(text);
        Assert.Contains("response.text.delta", textTypes);
        Assert.Contains("response.text.done", textTypes);
        Assert.Contains("conversation.item.created", textTypes);
        var audioTypes = RealtimeTestClient.Types(audio);
        Assert.Contains("response.audio.delta", audioTypes);
        Assert.Contains("response.audio.done", audioTypes);
        Assert.Contains("response.audio_transcript.delta", audioTypes);
        Assert.Contains("response.audio_transcript.done", audioTypes);
        foreach (var type in textTypes.Concat(audioTypes))
        {
            Assert.DoesNotContain("output_text", type, StringComparison.Ordinal);
            Assert.DoesNotContain("output_audio", type, StringComparison.Ordinal);
            Assert.NotEqual("conversation.item.added", type);
            Assert.NotEqual("conversation.item.done", type);
        }

        Assert.Equal("text", text[^1].GetProperty("response").GetProperty("output")[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(["text"], Strings(text[^1].GetProperty("response").GetProperty("modalities")));
        Assert.Equal("audio", audio[^1].GetProperty("response").GetProperty("output")[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("verse", audio[^1].GetProperty("response").GetProperty("voice").GetString());
    }

    [Theory]
    [InlineData("query")]
    [InlineData("header")]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    public async Task Auth_EachCredentialForm_Upgrades(string form)
    {
        var path = form == "query" ? GaPath + "&api-key=" + SimulatorHarness.Key : GaPath;
        await using var client = await RealtimeTestClient.OpenAsync(_sim.Server.Endpoint, path, o =>
        {
            switch (form)
            {
                case "header":
                    o.SetRequestHeader("api-key", SimulatorHarness.Key);
                    break;
                case "bearer":
                    o.SetRequestHeader("Authorization", "Bearer " + SimulatorHarness.Key);
                    break;
                case "subprotocol":
                    o.AddSubProtocol("openai-insecure-api-key." + SimulatorHarness.Key);
                    o.AddSubProtocol("openai-beta.realtime-v1");
                    break;
            }
        });

        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
        Assert.Equal("realtime", client.Socket.SubProtocol);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Auth_MissingOrWrongKey_401WithoutUpgrade(string? key)
    {
        var status = await RefusedStatusAsync(GaPath, o =>
        {
            if (key is not null)
            {
                o.SetRequestHeader("api-key", key);
            }
        });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        using var plain = await _sim.Http.GetAsync(GaPath);
        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Equal("401", (await SimulatorHarness.ReadJsonAsync(plain)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, _sim.Control.GetStats("realtime").RequestsReceived);
    }

    [Fact]
    public async Task Connect_UnknownDeployment_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, await RefusedStatusAsync("openai/v1/realtime?model=nope"));

        using var plain = await GetAsync("openai/realtime?api-version=2025-04-01-preview&deployment=nope");
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
        Assert.Equal("DeploymentNotFound", (await SimulatorHarness.ReadJsonAsync(plain)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Connect_ChatDeployment_400OperationNotSupported()
    {
        Assert.Equal(HttpStatusCode.BadRequest, await RefusedStatusAsync("openai/v1/realtime?model=chat"));

        using var plain = await GetAsync("openai/v1/realtime?model=chat");
        Assert.Equal("OperationNotSupported", (await SimulatorHarness.ReadJsonAsync(plain)).GetProperty("error").GetProperty("code").GetString());
        using var chat = await _sim.PostAsync("openai/deployments/realtime/chat/completions?api-version=2024-10-21", """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, chat.StatusCode);
    }

    [Fact]
    public async Task Connect_PlainGet_400AndMissingApiVersion404()
    {
        using var plain = await GetAsync(GaPath);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal("invalid_request_error", (await SimulatorHarness.ReadJsonAsync(plain)).GetProperty("error").GetProperty("type").GetString());

        Assert.Equal(HttpStatusCode.NotFound, await RefusedStatusAsync("openai/realtime?deployment=realtime"));
    }

    [Fact]
    public async Task BadEvents_ErrorEventsAndTheSessionGoesOn()
    {
        await using var client = await ConnectAsync(GaPath);
        await client.ReceiveTypeAsync("session.created");

        await client.SendAsync("{not json");
        var invalid = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"response.dance","event_id":"evt_client_1"}""");
        var unknown = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"session.update","event_id":"evt_client_2","session":{"type":"realtime","modalities":["text"]}}""");
        var betaField = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"response.cancel"}""");
        var nothingToCancel = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        var emptyCommit = await client.ReceiveAsync();

        Assert.Equal(("error", "invalid_request_error", "invalid_json"), ErrorOf(invalid));
        Assert.Equal(("error", "invalid_request_error", "invalid_value"), ErrorOf(unknown));
        Assert.Equal("type", unknown.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("evt_client_1", unknown.GetProperty("error").GetProperty("event_id").GetString());
        Assert.Equal(("error", "invalid_request_error", "unknown_parameter"), ErrorOf(betaField));
        Assert.Equal("session.modalities", betaField.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("evt_client_2", betaField.GetProperty("error").GetProperty("event_id").GetString());
        Assert.Equal("response_cancel_not_active", ErrorOf(nothingToCancel).Code);
        Assert.Equal("input_audio_buffer_commit_empty", ErrorOf(emptyCommit).Code);

        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"Still here"}}""");
        Assert.Equal("Still here", (await client.ReceiveTypeAsync("session.updated")).GetProperty("session").GetProperty("instructions").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task ResponseCancel_WhileWaitingForTheFirstToken_DoneWithStatusCancelled()
    {
        _sim.Control.Update("realtime", o => o.Latency.TimeToFirstTokenMs = 1_000);
        await using var client = await ConnectAsync(GaPath);
        var sessionId = (await client.ReceiveTypeAsync("session.created")).GetProperty("session").GetProperty("id").GetString()!;
        await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Tell me a long story"}]}}""");
        await client.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
        var started = await client.ReceiveThroughAsync("response.content_part.added");
        var responseId = started.Single(e => RealtimeTestClient.Type(e) == "response.created").GetProperty("response").GetProperty("id").GetString();

        await client.SendAsync("""{"type":"response.create"}""");
        var busy = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"response.cancel"}""");
        var closing = await client.ReceiveThroughAsync("response.done");

        Assert.Equal("conversation_already_has_active_response", ErrorOf(busy).Code);
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done"], RealtimeTestClient.Types(closing));
        var response = closing[^1].GetProperty("response");
        Assert.Equal(responseId, response.GetProperty("id").GetString());
        Assert.Equal("cancelled", response.GetProperty("status").GetString());
        Assert.Equal("cancelled", response.GetProperty("status_details").GetProperty("type").GetString());
        Assert.Equal("client_cancelled", response.GetProperty("status_details").GetProperty("reason").GetString());
        Assert.Equal("incomplete", response.GetProperty("output")[0].GetProperty("status").GetString());
        AssertUsage(response.GetProperty("usage"), inputText: Tokens("Tell me a long story"), inputAudio: 0, outputText: 0, outputAudio: 0);
        Assert.Equal(1, _sim.Server.RealtimeSessions.Get(sessionId)!.Cancelled);

        await client.SendAsync("""{"type":"response.cancel"}""");
        Assert.Equal("response_cancel_not_active", ErrorOf(await client.ReceiveAsync()).Code);
    }

    [Fact]
    public async Task Latency_FirstTokenAndPerToken_FollowTheSimulatorClock()
    {
        _sim.Control.Update("realtime", o =>
        {
            o.Latency.TimeToFirstTokenMs = 1_000;
            o.Latency.PerTokenMs = 50;
        });
        await using var client = await ConnectAsync(GaPath);
        await client.ReceiveTypeAsync("session.created");
        await client.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");
        await client.ReceiveTypeAsync("response.content_part.added");

        // Whatever is due is sent before the clock moves on; a session.update answered meanwhile proves nothing was.
        _time.Advance(TimeSpan.FromMilliseconds(1_049));
        Assert.Equal("session.updated", RealtimeTestClient.Type(await PingAsync()));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("response.output_text.delta", RealtimeTestClient.Type(await client.ReceiveAsync()));
        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal("session.updated", RealtimeTestClient.Type(await PingAsync()));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("response.output_text.delta", RealtimeTestClient.Type(await client.ReceiveAsync()));

        async Task<JsonElement> PingAsync()
        {
            await client.SendAsync("""{"type":"session.update","session":{"type":"realtime"}}""");
            return await client.ReceiveAsync();
        }
    }

    [Fact]
    public async Task MidStreamCut_AfterThreeDeltas_SocketDropsWithoutCloseFrame()
    {
        _sim.Control.Update("realtime", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 3;
        });
        await using var client = await ConnectAsync(GaPath);
        var sessionId = (await client.ReceiveTypeAsync("session.created")).GetProperty("session").GetProperty("id").GetString()!;
        await client.SendAsync("""{"type":"response.create","response":{"output_modalities":["text"]}}""");

        var received = new List<string>();
        var failure = await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            while (true)
            {
                received.Add(RealtimeTestClient.Type(await client.ReceiveAsync()));
            }
        });

        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, failure.WebSocketErrorCode);
        Assert.Equal(3, received.Count(t => t == "response.output_text.delta"));
        Assert.DoesNotContain("response.done", received);
        Assert.Null(client.Socket.CloseStatus);
        Assert.Equal(1, _sim.Control.GetStats("realtime").Failed);
        Assert.Equal((1, 0), (_sim.Server.RealtimeSessions.Get(sessionId)!.Cut, _sim.Server.RealtimeSessions.Get(sessionId)!.Responses));

        await using var next = await ConnectAsync(GaPath);
        await next.ReceiveTypeAsync("session.created");
        await next.SendAsync("""{"type":"response.create"}""");
        Assert.Equal("completed", (await next.ReceiveTypeAsync("response.done")).GetProperty("response").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Throttled_429BeforeTheUpgrade()
    {
        _sim.Control.ThrottleFor("realtime", TimeSpan.FromSeconds(30), retryAfter: TimeSpan.FromSeconds(7));
        using var socket = RealtimeTestClient.NewSocket(o => o.SetRequestHeader("api-key", SimulatorHarness.Key));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(RealtimeTestClient.Url(_sim.Server.Endpoint, GaPath), CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, socket.HttpStatusCode);
        Assert.Equal("7", string.Join(",", socket.HttpResponseHeaders!["retry-after"]));
        Assert.Equal("7000", string.Join(",", socket.HttpResponseHeaders!["retry-after-ms"]));

        _sim.Control.Reset("realtime");
        _sim.Control.FailNext("realtime", count: 1, statusCode: 429, retryAfter: TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedStatusAsync(GaPath));
        Assert.Equal(1, _sim.Control.GetStats("realtime").Throttled);

        await using var client = await ConnectAsync(GaPath);
        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task ResetNext_ConnectionDroppedAtTheUpgrade()
    {
        _sim.Control.Update("realtime", o => o.Faults.ResetNextCount = 1);

        using var socket = RealtimeTestClient.NewSocket(o => o.SetRequestHeader("api-key", SimulatorHarness.Key));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(RealtimeTestClient.Url(_sim.Server.Endpoint, GaPath), CancellationToken.None));

        Assert.Equal((HttpStatusCode)0, socket.HttpStatusCode);
        await using var client = await ConnectAsync(GaPath);
        Assert.Equal("session.created", RealtimeTestClient.Type(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task RateLimitedResponse_DoneWithStatusFailed_SessionStaysOpen()
    {
        _sim.Control.Update("realtime", o =>
        {
            o.TokensPerMinute = 1_000;
            o.RequestsPerMinutePer1000Tpm = 600;
        });
        await using var client = await ConnectAsync(GaPath);
        var sessionId = (await client.ReceiveTypeAsync("session.created")).GetProperty("session").GetProperty("id").GetString()!;

        await client.SendAsync("""{"type":"response.create","event_id":"evt_big","response":{"max_output_tokens":4096}}""");
        var refused = await client.ReceiveThroughAsync("response.done");

        Assert.Equal(["response.created", "rate_limits.updated", "error", "response.done"], RealtimeTestClient.Types(refused));
        var tokens = refused[1].GetProperty("rate_limits").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "tokens");
        Assert.Equal(1_000, tokens.GetProperty("limit").GetInt32());
        Assert.Equal("rate_limit_exceeded", ErrorOf(refused[2]).Code);
        Assert.Equal("evt_big", refused[2].GetProperty("error").GetProperty("event_id").GetString());
        var response = refused[^1].GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("rate_limit_exceeded", response.GetProperty("status_details").GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(response.GetProperty("output").EnumerateArray());
        Assert.Equal(0, response.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(1, _sim.Control.GetStats("realtime").Throttled);

        await client.SendAsync("""{"type":"response.create","response":{"max_output_tokens":10,"output_modalities":["text"]}}""");
        var done = (await client.ReceiveTypeAsync("response.done")).GetProperty("response");
        Assert.Equal("incomplete", done.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", done.GetProperty("status_details").GetProperty("reason").GetString());
        Assert.Equal(10, done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var totals = _sim.Server.RealtimeSessions.Get(sessionId)!;
        Assert.Equal((2, 1, 1), (totals.Responses, totals.Failed, totals.Incomplete));
    }

    [Fact]
    public async Task FunctionTool_Required_FunctionCallItemThenTheOutputIsBilled()
    {
        await using var client = await ConnectAsync(GaPath);
        await client.ReceiveTypeAsync("session.created");
        await client.SendAsync("""
            {"type":"session.update","session":{"type":"realtime","tool_choice":"required","tools":[{"type":"function","name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}}
            """);
        await client.ReceiveTypeAsync("session.updated");
        await client.SendAsync("""{"type":"response.create"}""");

        var events = await client.ReceiveThroughAsync("response.done");

        var arguments = string.Concat(events.Where(e => RealtimeTestClient.Type(e) == "response.function_call_arguments.delta").Select(e => e.GetProperty("delta").GetString()));
        var done = events.Single(e => RealtimeTestClient.Type(e) == "response.function_call_arguments.done");
        Assert.Equal(arguments, done.GetProperty("arguments").GetString());
        Assert.Equal("get_weather", done.GetProperty("name").GetString());
        Assert.True(JsonDocument.Parse(arguments).RootElement.TryGetProperty("city", out _));
        var item = events[^1].GetProperty("response").GetProperty("output")[0];
        Assert.Equal("function_call", item.GetProperty("type").GetString());
        Assert.Equal(done.GetProperty("call_id").GetString(), item.GetProperty("call_id").GetString());
        Assert.Equal(Tokens(arguments), events[^1].GetProperty("response").GetProperty("usage").GetProperty("output_tokens").GetInt32());

        await client.SendAsync(JsonSerializer.Serialize(new
        {
            type = "conversation.item.create",
            item = new { type = "function_call_output", call_id = item.GetProperty("call_id").GetString(), output = "Sunny, 21 C" },
        }));
        Assert.Equal("conversation.item.added", RealtimeTestClient.Type(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task TurnDetection_CommitAnswersWithoutResponseCreate()
    {
        await using var client = await ConnectAsync(BetaPath);
        await client.ReceiveTypeAsync("session.created");
        await client.SendAsync("""{"type":"session.update","session":{"turn_detection":{"type":"server_vad"}}}""");
        await client.ReceiveTypeAsync("session.updated");
        await client.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{OneSecondOfAudio}}"}""");
        await client.SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var events = await client.ReceiveThroughAsync("response.done");

        Assert.Equal(["input_audio_buffer.committed", "conversation.item.created", "response.created"], RealtimeTestClient.Types(events).Take(3));
        Assert.Equal(10, events[^1].GetProperty("response").GetProperty("usage").GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32());
    }

    private Task<RealtimeTestClient> ConnectAsync(string path) => RealtimeTestClient.OpenAsync(_sim.Server.Endpoint, path);

    private async Task<HttpStatusCode> RefusedStatusAsync(string path, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = RealtimeTestClient.NewSocket(configure ?? (o => o.SetRequestHeader("api-key", SimulatorHarness.Key)));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(RealtimeTestClient.Url(_sim.Server.Endpoint, path), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", SimulatorHarness.Key);
        return await _sim.Http.SendAsync(request);
    }

    private static (string Type, string ErrorType, string Code) ErrorOf(JsonElement e) =>
        (RealtimeTestClient.Type(e), e.GetProperty("error").GetProperty("type").GetString()!, e.GetProperty("error").GetProperty("code").GetString()!);

    private static int Tokens(string text) => text.Length == 0 ? 0 : ReferenceTokenCounter.O200kBase.CountTokens(text);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static void AssertUsage(JsonElement usage, int inputText, int inputAudio, int outputText, int outputAudio)
    {
        var input = usage.GetProperty("input_token_details");
        var output = usage.GetProperty("output_token_details");
        Assert.Equal(inputText, input.GetProperty("text_tokens").GetInt32());
        Assert.Equal(inputAudio, input.GetProperty("audio_tokens").GetInt32());
        Assert.Equal(0, input.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, input.GetProperty("image_tokens").GetInt32());
        Assert.Equal(0, input.GetProperty("cached_tokens_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(outputText, output.GetProperty("text_tokens").GetInt32());
        Assert.Equal(outputAudio, output.GetProperty("audio_tokens").GetInt32());
        Assert.Equal(inputText + inputAudio, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(outputText + outputAudio, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(inputText + inputAudio + outputText + outputAudio, usage.GetProperty("total_tokens").GetInt32());
    }
}
