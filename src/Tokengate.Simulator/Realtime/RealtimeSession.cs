using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Tokenizers;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Limits;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// One realtime session on an accepted WebSocket: sends <c>session.created</c>, then reads client events one at a
/// time and answers each. A response streams on its own task, so <c>response.cancel</c> (and anything else) is read
/// while it runs; only one response runs at a time. Bad input gets an <c>error</c> event and the session goes on.
/// </summary>
internal sealed class RealtimeSession : IDisposable
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private const int ReceiveChunk = 16 * 1024;
    private const int ProvisionedGuessWithoutMaxTokens = 256;

    // The service refuses to commit less than 100 ms of audio.
    private const double MinCommitSeconds = 0.1;

    private const string Supported =
        "'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', "
        + "'conversation.item.create', 'conversation.item.retrieve', 'conversation.item.truncate', "
        + "'conversation.item.delete', 'response.create', and 'response.cancel'";

    private readonly WebSocket _socket;
    private readonly RealtimeEventSink _sink;
    private readonly RealtimeDialect _dialect;
    private readonly RealtimeEventNames _names;
    private readonly RealtimeSessionInfo _info;
    private readonly DeploymentState _deployment;
    private readonly RealtimeBillingState _billing;
    private readonly SimulatorRuntime _runtime;
    private readonly AdmissionGate _gate;
    private readonly AnswerGenerator _answers;
    private readonly ILogger _logger;
    private readonly Tokenizer _tokenizer;
    private readonly TokenEncoding _encoding;
    private readonly string _conversationId = RealtimeIds.Conversation();

    // Guards the conversation, the active response and the items a response fills in.
    private readonly Lock _sync = new();
    private readonly List<RealtimeItem> _conversation = [];
    private readonly ArrayBufferWriter<byte> _audio = new();
    private RealtimeSessionConfig _config;
    private string? _activeId;
    private CancellationTokenSource? _activeCancel;
    private Task? _lastTask;
    private readonly TaskCompletionSource _cutSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _aborted;
    private volatile bool _closing;
    private volatile bool _cut;

    public RealtimeSession(
        WebSocket socket,
        RealtimeDialect dialect,
        RealtimeSessionInfo info,
        DeploymentState deployment,
        RealtimeBillingState billing,
        SimulatorRuntime runtime,
        AdmissionGate gate,
        AnswerGenerator answers,
        ILogger logger)
    {
        _socket = socket;
        _sink = new RealtimeEventSink(socket);
        _dialect = dialect;
        _names = RealtimeEventNames.For(dialect);
        _info = info;
        _deployment = deployment;
        _billing = billing;
        _runtime = runtime;
        _gate = gate;
        _answers = answers;
        _logger = logger;
        _encoding = deployment.Snapshot.Model.Encoding;
        _tokenizer = runtime.Tokenizers.Get(_encoding);
        _config = RealtimeSessionConfig.Default(dialect);
    }

    internal RealtimeDialect Dialect => _dialect;

    internal RealtimeEventNames Names => _names;

    internal RealtimeEventSink Sink => _sink;

    internal SimulatorRuntime Runtime => _runtime;

    internal Lock Sync => _sync;

    /// <summary>The client is closing the session: a response still running stops without another event.</summary>
    internal bool Closing => _closing;

    /// <summary>Runs the session until the client closes it or goes away; true when an injected cut ended it.</summary>
    public async Task<bool> RunAsync(CancellationToken aborted)
    {
        _aborted = aborted;
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        try
        {
            await _sink.SendAsync("session.created", this, static (w, s) => s.WriteSession(w), aborted);
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    // A cut leaves the receive pending rather than cancelling it: cancelling would abort the
                    // socket and throw away the events still on their way to the client.
                    var receive = _socket.ReceiveAsync(message.GetMemory(ReceiveChunk), aborted).AsTask();
                    if (await Task.WhenAny(receive, _cutSignal.Task) != receive)
                    {
                        _ = receive.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                        return true;
                    }

                    result = await receive;
                    message.Advance(result.Count);
                    if (message.WrittenCount > MaxMessageBytes)
                    {
                        await StopActiveAsync();
                        await _sink.CloseAsync(WebSocketCloseStatus.MessageTooBig, "The event is too large.", aborted);
                        return false;
                    }
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await StopActiveAsync();
                    await _sink.CloseAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                    return false;
                }

                await HandleAsync(message.WrittenMemory);
                if (message.Capacity > 1024 * 1024)
                {
                    // One large audio append must not pin its buffer for the rest of the session.
                    message = new ArrayBufferWriter<byte>(ReceiveChunk);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (WebSocketException)
        {
            // The client went away without a close frame.
        }
        finally
        {
            _closing = true;
            await StopActiveAsync();
            _billing.RecordClosed();
        }

        return _cut;
    }

    public void Dispose()
    {
        _sink.Dispose();
    }

    /// <summary>Just before <c>response.done</c>: the session is free for the next response, and the usage is billed.</summary>
    internal void Finish(RealtimeResponse response, RealtimeResponsePlan plan)
    {
        EndActive(response.Id);
        _gate.Settle(_deployment, plan.Snapshot, plan.AdmittedEstimate, response.Usage.InputTokens, response.Usage.OutputTokens, succeeded: true);
        _billing.RecordResponse(response.Status, response.Usage);
    }

    /// <summary>An injected cut: the deltas sent are counted as a failed request and the socket is dropped.</summary>
    internal void Cut(RealtimeResponse response, RealtimeResponsePlan plan, int outputTokens)
    {
        SimulatorLog.FaultInjected(_logger, "mid-stream cut", _deployment.Name);
        EndActive(response.Id);
        _gate.Settle(_deployment, plan.Snapshot, plan.AdmittedEstimate, plan.InputTextTokens + plan.InputAudioTokens, outputTokens, succeeded: false);
        _billing.RecordCut();
        _cut = true;
        _cutSignal.TrySetResult();
    }

    /// <summary>A response the client walked away from (closed or vanished): a failed request, nothing billed.</summary>
    internal void Abandon(RealtimeResponse response, RealtimeResponsePlan plan, int outputTokens)
    {
        EndActive(response.Id);
        _gate.Settle(_deployment, plan.Snapshot, plan.AdmittedEstimate, plan.InputTextTokens + plan.InputAudioTokens, outputTokens, succeeded: false);
    }

    private void WriteSession(Utf8JsonWriter w) => RealtimeJson.WriteSession(w, _info, _config, _dialect);

    private async Task HandleAsync(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            await SendErrorAsync(new RealtimeError("invalid_json", "The event is not valid JSON: each message must be one JSON object.", null), null);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await SendErrorAsync(new RealtimeError("invalid_json", "The event is not valid JSON: each message must be one JSON object.", null), null);
                return;
            }

            var eventId = root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                await SendErrorAsync(RealtimeError.Missing("type"), eventId);
                return;
            }

            var type = typeElement.GetString()!;
            var error = type switch
            {
                "session.update" => await UpdateSessionAsync(root),
                "input_audio_buffer.append" => Append(root),
                "input_audio_buffer.commit" => await CommitAsync(eventId),
                "input_audio_buffer.clear" => await ClearAsync(),
                "conversation.item.create" => await CreateItemAsync(root),
                "conversation.item.retrieve" => await RetrieveItemAsync(root),
                "conversation.item.truncate" => await TruncateItemAsync(root),
                "conversation.item.delete" => await DeleteItemAsync(root),
                "response.create" => await CreateResponseAsync(root, eventId),
                "response.cancel" => CancelResponse(root),
                _ => RealtimeError.InvalidValue("type", $"Invalid value: '{type}'. Supported values are: {Supported}."),
            };
            if (error is not null)
            {
                await SendErrorAsync(error, eventId);
            }
        }
    }

    private async Task<RealtimeError?> UpdateSessionAsync(JsonElement root)
    {
        if (!root.TryGetProperty("session", out var session))
        {
            return RealtimeError.Missing("session");
        }

        if (RealtimeConfigReader.ApplySession(_config, session, _dialect, out var error) is not { } updated)
        {
            return error;
        }

        _config = updated;
        await _sink.SendAsync("session.updated", this, static (w, s) => s.WriteSession(w), _aborted);
        return null;
    }

    private RealtimeError? Append(JsonElement root)
    {
        if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
        {
            return audio.ValueKind == JsonValueKind.Undefined ? RealtimeError.Missing("audio") : RealtimeError.InvalidType("audio", "a string");
        }

        if (RealtimeAudioDecoder.Decode(audio.GetString()!) is not { } bytes)
        {
            return RealtimeError.InvalidValue("audio", "Invalid value: the audio must be base64-encoded.");
        }

        _audio.Write(bytes);
        return null;
    }

    private async Task<RealtimeError?> CommitAsync(string? eventId)
    {
        var format = _config.InputFormat;
        var seconds = RealtimeAudio.Seconds(_audio.WrittenCount, format);
        if (seconds < MinCommitSeconds)
        {
            return new RealtimeError("input_audio_buffer_commit_empty", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {seconds * 1000:0.00}ms of audio."), null);
        }

        var audio = _audio.WrittenSpan.ToArray();
        _audio.ResetWrittenCount();
        var part = new RealtimeContentPart(RealtimePartKind.InputAudio) { AudioBytes = audio.Length, AudioTokens = RealtimeAudio.Tokens(audio.Length, format) };
        var item = new RealtimeItem(RealtimeIds.Item(), "message") { Role = "user" };
        item.Content.Add(part);
        string? previous;
        lock (_sync)
        {
            previous = _conversation.Count == 0 ? null : _conversation[^1].Id;
            _conversation.Add(item);
        }

        await _sink.SendAsync("input_audio_buffer.committed", (Previous: previous, Item: item.Id), static (w, s) =>
        {
            WriteNullable(w, "previous_item_id"u8, s.Previous);
            w.WriteString("item_id"u8, s.Item);
        }, _aborted);
        await SendItemCreatedAsync(item, previous);

        if (_config.TranscriptionModel is { } model)
        {
            var transcription = RealtimeTranscription.Create(_runtime, _runtime.Tokenizers.Generator(_encoding), _tokenizer, model, _config.TranscriptionPrompt, audio, format);
            lock (_sync)
            {
                part.Transcript = transcription.Transcript;
            }

            _billing.RecordTranscription(transcription.Duration ? 0 : transcription.InputTokens, transcription.Duration ? 0 : transcription.OutputTokens,
                transcription.Duration ? transcription.Seconds : 0);
            await _sink.SendAsync("conversation.item.input_audio_transcription.completed", (Item: item.Id, Transcription: transcription), static (w, s) =>
            {
                w.WriteString("item_id"u8, s.Item);
                w.WriteNumber("content_index"u8, 0);
                w.WriteString("transcript"u8, s.Transcription.Transcript);
                s.Transcription.WriteUsage(w);
            }, _aborted);
        }

        // No voice activity detection here: with turn detection on, a commit is the end of the user's turn.
        if (_config.RespondsOnCommit && !HasActiveResponse())
        {
            return await StartResponseAsync(_config, eventId);
        }

        return null;
    }

    private async Task<RealtimeError?> ClearAsync()
    {
        _audio.ResetWrittenCount();
        await _sink.SendAsync("input_audio_buffer.cleared", _aborted);
        return null;
    }

    private async Task<RealtimeError?> CreateItemAsync(JsonElement root)
    {
        root.TryGetProperty("item", out var element);
        if (RealtimeItemReader.Read(element, _tokenizer, _config.InputFormat, out var error) is not { } item)
        {
            return error;
        }

        var after = root.TryGetProperty("previous_item_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        string? previous;
        lock (_sync)
        {
            if (IndexOf(item.Id) >= 0)
            {
                return RealtimeError.InvalidValue("item.id", $"Invalid value: an item with id '{item.Id}' is already in the conversation.");
            }

            int position;
            if (after is null)
            {
                position = _conversation.Count;
            }
            else if (after == "root")
            {
                position = 0;
            }
            else if ((position = IndexOf(after) + 1) == 0)
            {
                return RealtimeError.InvalidValue("previous_item_id", $"Invalid value: no item with id '{after}' is in the conversation.");
            }

            previous = position == 0 ? null : _conversation[position - 1].Id;
            _conversation.Insert(position, item);
        }

        await SendItemCreatedAsync(item, previous);
        return null;
    }

    private async Task<RealtimeError?> RetrieveItemAsync(JsonElement root)
    {
        if (FindItem(root, out var error) is not { } item)
        {
            return error;
        }

        await _sink.SendAsync("conversation.item.retrieved", this, (w, s) =>
        {
            lock (s._sync)
            {
                RealtimeJson.WriteItem(w, "item"u8, item, s._names);
            }
        }, _aborted);
        return null;
    }

    /// <summary>Cuts an assistant audio part to what the user heard; the transcript goes, as the service drops it.</summary>
    private async Task<RealtimeError?> TruncateItemAsync(JsonElement root)
    {
        if (FindItem(root, out var error) is not { } item)
        {
            return error;
        }

        if (!root.TryGetProperty("content_index", out var index) || !index.TryGetInt32(out var contentIndex)
            || !root.TryGetProperty("audio_end_ms", out var end) || !end.TryGetInt64(out var endMs) || endMs < 0)
        {
            return RealtimeError.Missing(root.TryGetProperty("content_index", out _) ? "audio_end_ms" : "content_index");
        }

        lock (_sync)
        {
            if (item.Role != "assistant" || contentIndex < 0 || contentIndex >= item.Content.Count || item.Content[contentIndex].Kind != RealtimePartKind.OutputAudio)
            {
                return RealtimeError.InvalidValue("content_index", "Invalid value: only the audio part of an assistant message can be truncated.");
            }

            var part = item.Content[contentIndex];
            var format = _config.OutputFormat;
            var bytes = endMs * RealtimeAudio.BytesPerSecond(format) / 1000;
            if (bytes > part.AudioBytes)
            {
                return RealtimeError.InvalidValue("audio_end_ms", "Invalid value: audio_end_ms is beyond the end of the audio.");
            }

            part.AudioBytes = bytes - (bytes % (format == RealtimeAudioFormat.Pcm16 ? 2 : 1));
            part.AudioTokens = RealtimeAudio.Tokens(part.AudioBytes, format);
            part.Transcript = string.Empty;
        }

        await _sink.SendAsync("conversation.item.truncated", (Item: item.Id, Index: contentIndex, End: endMs), static (w, s) =>
        {
            w.WriteString("item_id"u8, s.Item);
            w.WriteNumber("content_index"u8, s.Index);
            w.WriteNumber("audio_end_ms"u8, s.End);
        }, _aborted);
        return null;
    }

    private async Task<RealtimeError?> DeleteItemAsync(JsonElement root)
    {
        if (FindItem(root, out var error) is not { } item)
        {
            return error;
        }

        lock (_sync)
        {
            _conversation.Remove(item);
        }

        await _sink.SendAsync("conversation.item.deleted", item.Id, static (w, id) => w.WriteString("item_id"u8, id), _aborted);
        return null;
    }

    private async Task<RealtimeError?> CreateResponseAsync(JsonElement root, string? eventId)
    {
        var config = _config;
        if (root.TryGetProperty("response", out var overrides) && overrides.ValueKind != JsonValueKind.Null)
        {
            if (RealtimeConfigReader.ApplyResponse(config, overrides, _dialect, out var error) is not { } adjusted)
            {
                return error;
            }

            config = adjusted;
        }
        else
        {
            config = config with { OutOfBand = false };
        }

        return await StartResponseAsync(config, eventId);
    }

    private async Task<RealtimeError?> StartResponseAsync(RealtimeSessionConfig config, string? eventId)
    {
        var snapshot = _deployment.Snapshot;
        var hash = Fnv1a.Append(Fnv1a.Offset, config.Instructions);
        var textTokens = config.Instructions.Length == 0 ? 0 : _tokenizer.CountTokens(config.Instructions);
        if (config.ToolsHolder.ValueKind == JsonValueKind.Object)
        {
            textTokens += PromptTokenCounter.CountTools(config.ToolsHolder, _tokenizer, ref hash, chatShape: false);
        }

        var audioTokens = 0;
        lock (_sync)
        {
            if (_activeId is { } active)
            {
                return new RealtimeError("conversation_already_has_active_response",
                    $"Conversation already has an active response in progress: {active}. Wait until the response is finished before creating a new one.", null);
            }

            foreach (var item in _conversation)
            {
                textTokens += item.InputTextTokens();
                audioTokens += item.InputAudioTokens();
                hash = Seed(hash, item);
            }
        }

        var inputTokens = textTokens + audioTokens;
        var response = new RealtimeResponse(RealtimeIds.Response(), config.OutOfBand ? null : _conversationId, config);
        var admission = Admit(snapshot, inputTokens, config.MaxOutputTokens, out var estimate);
        if (!admission.Admitted)
        {
            await RefuseAsync(response, admission, snapshot, eventId);
            return null;
        }

        var audio = config.AnswersWithAudio;
        var forced = config.Tooling.Forced;
        // An audio word costs its transcript token and its audio tokens, so the bound counts both.
        var bound = config.MaxOutputTokens is int max && audio && forced is null ? max / (1 + RealtimeAudio.TokensPerWord) : config.MaxOutputTokens;
        var choice = _answers.Generate(_encoding, hash, new AnswerSpec(bound, null, forced, OutputFormat.Text, null));
        var output = choice.ToolCall is { } call
            ? new RealtimeItem(RealtimeIds.Item(), "function_call") { CallId = call.CallId, Name = call.Name, Arguments = string.Empty, Status = "in_progress" }
            : new RealtimeItem(RealtimeIds.Item(), "message") { Role = "assistant", Status = "in_progress" };
        response.Item = output;
        var faults = snapshot.Options.Faults;
        int? cutAfter = _deployment.TryConsumeStreamCut() || _runtime.Random.Chance(faults.MidStreamCutRate) ? faults.MidStreamCutAfterChunks : null;
        string? previous = null;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_aborted);
        lock (_sync)
        {
            if (!config.OutOfBand)
            {
                previous = _conversation.Count == 0 ? null : _conversation[^1].Id;
                _conversation.Add(output);
            }

            _activeId = response.Id;
            _activeCancel = cancel;
        }

        var plan = new RealtimeResponsePlan(choice, audio && choice.ToolCall is null, textTokens, audioTokens, snapshot, estimate, cutAfter, previous, admission);
        var stream = new RealtimeResponseStream(this, response, plan, cancel.Token, _aborted);
        var task = Task.Run(() => RunResponseAsync(stream, response, plan, cancel));
        lock (_sync)
        {
            _lastTask = task;
        }

        return null;
    }

    private AdmissionResult Admit(DeploymentSnapshot snapshot, int inputTokens, int? maxOutputTokens, out double estimate)
    {
        var now = _runtime.NowTicks;
        if (snapshot.IsProvisioned)
        {
            estimate = inputTokens + (double)(maxOutputTokens ?? ProvisionedGuessWithoutMaxTokens);
            var result = _deployment.Bucket.TryAdmit(now, estimate, snapshot.CapacityPerMinute);
            if (!result.Admitted)
            {
                estimate = 0;
            }

            return result;
        }

        estimate = 0;
        return _deployment.Limiter.TryAdmit(now, inputTokens + (long)(maxOutputTokens ?? 0), snapshot.Options);
    }

    /// <summary>
    /// Admission refused the response: it is created and at once done with status <c>failed</c>, its
    /// <c>status_details</c> and an <c>error</c> event naming the rate limit. The session stays open.
    /// </summary>
    private async Task RefuseAsync(RealtimeResponse response, AdmissionResult admission, DeploymentSnapshot snapshot, string? eventId)
    {
        _deployment.RecordThrottled();
        SimulatorLog.Throttled(_logger, _deployment.Name, admission.Reason.ToString(), (long)Math.Ceiling(admission.RetryAfter.TotalMilliseconds));
        var seconds = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalSeconds));
        var message = admission.Reason == ThrottleReason.Utilization
            ? AzureErrors.ProvisionedBusy(RealtimeOperation.Instance.RateLimitName, _info.ApiVersion, seconds)
            : AzureErrors.RateLimited(RealtimeOperation.Instance.RateLimitName, _info.ApiVersion, admission.Reason == ThrottleReason.Requests, seconds);
        await _sink.SendAsync("response.created", (Session: this, Response: response), static (w, s) => RealtimeJson.WriteResponse(w, s.Response, s.Session._dialect, final: false), _aborted);
        await _sink.SendAsync("rate_limits.updated", (Admission: admission, Provisioned: snapshot.IsProvisioned), static (w, s) => RealtimeRateLimits.Write(w, s.Admission, s.Provisioned), _aborted);
        await SendErrorAsync(new RealtimeError("rate_limit_exceeded", message, null, "rate_limit_exceeded"), eventId);
        response.Status = "failed";
        response.Error = ("rate_limit_exceeded", "rate_limit_exceeded");
        _billing.RecordResponse(response.Status, default);
        await _sink.SendAsync("response.done", (Session: this, Response: response), static (w, s) => RealtimeJson.WriteResponse(w, s.Response, s.Session._dialect, final: true), _aborted);
    }

    private async Task RunResponseAsync(RealtimeResponseStream stream, RealtimeResponse response, RealtimeResponsePlan plan, CancellationTokenSource cancel)
    {
        try
        {
            await stream.RunAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The socket went away under the response.
        }
        catch (Exception exception)
        {
            SimulatorLog.RequestFailed(_logger, exception);
        }
        finally
        {
            if (!stream.Ended)
            {
                Abandon(response, plan, stream.OutputTokens);
            }

            cancel.Dispose();
        }
    }

    private RealtimeError? CancelResponse(JsonElement root)
    {
        var wanted = root.TryGetProperty("response_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        CancellationTokenSource? cancel;
        lock (_sync)
        {
            cancel = _activeId is not null && (wanted is null || wanted == _activeId) ? _activeCancel : null;
        }

        if (cancel is null)
        {
            return new RealtimeError("response_cancel_not_active", "Cancellation failed: no active response found.", null);
        }

        // Outside the lock: the response's closing events may run on this thread from inside Cancel.
        Cancel(cancel);
        return null;
    }

    private static void Cancel(CancellationTokenSource? cancel)
    {
        try
        {
            cancel?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The response ended meanwhile.
        }
    }

    private bool HasActiveResponse()
    {
        lock (_sync)
        {
            return _activeId is not null;
        }
    }

    /// <summary>The session is free for the next response; the task (<see cref="_lastTask"/>) may still be sending its last event.</summary>
    private void EndActive(string responseId)
    {
        lock (_sync)
        {
            if (_activeId == responseId)
            {
                _activeId = null;
                _activeCancel = null;
            }
        }
    }

    /// <summary>Stops the running response, if any, and waits for its task; once closing it sends nothing more.</summary>
    private async Task StopActiveAsync()
    {
        Task? task;
        CancellationTokenSource? cancel;
        lock (_sync)
        {
            _closing = true;
            task = _lastTask;
            cancel = _activeCancel;
        }

        Cancel(cancel);
        if (task is not null)
        {
            await task;
        }
    }

    private RealtimeItem? FindItem(JsonElement root, out RealtimeError? error)
    {
        error = null;
        if (!root.TryGetProperty("item_id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            error = RealtimeError.Missing("item_id");
            return null;
        }

        lock (_sync)
        {
            var index = IndexOf(id.GetString()!);
            if (index >= 0)
            {
                return _conversation[index];
            }
        }

        error = RealtimeError.InvalidValue("item_id", $"Invalid value: no item with id '{id.GetString()}' is in the conversation.");
        return null;
    }

    private int IndexOf(string id)
    {
        for (var i = 0; i < _conversation.Count; i++)
        {
            if (_conversation[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>What the answer depends on: the conversation's content, never its random ids.</summary>
    private static ulong Seed(ulong hash, RealtimeItem item)
    {
        hash = Fnv1a.Append(hash, item.Type);
        hash = Fnv1a.Append(hash, item.Role ?? string.Empty);
        foreach (var part in item.Content)
        {
            hash = Fnv1a.Append(hash, (int)part.Kind);
            hash = Fnv1a.Append(hash, part.Text ?? string.Empty);
            hash = Fnv1a.Append(hash, (int)part.AudioBytes);
        }

        hash = Fnv1a.Append(hash, item.Name ?? string.Empty);
        hash = Fnv1a.Append(hash, item.Arguments ?? string.Empty);
        return Fnv1a.Append(hash, item.Output ?? string.Empty);
    }

    private Task SendItemCreatedAsync(RealtimeItem item, string? previous) => SendItemEventsAsync(item, previous, created: true, done: true);

    /// <summary>Beta: <c>conversation.item.created</c>. GA: <c>conversation.item.added</c> and, once final, <c>conversation.item.done</c>.</summary>
    internal async Task SendItemEventsAsync(RealtimeItem item, string? previous, bool created, bool done)
    {
        if (created)
        {
            await _sink.SendAsync(_names.ItemCreated, (Session: this, Item: item, Previous: previous), static (w, s) => s.Session.WriteItemEvent(w, s.Item, s.Previous), _aborted);
        }

        if (done && _names.ItemDone is { } itemDone)
        {
            await _sink.SendAsync(itemDone, (Session: this, Item: item, Previous: previous), static (w, s) => s.Session.WriteItemEvent(w, s.Item, s.Previous), _aborted);
        }
    }

    private void WriteItemEvent(Utf8JsonWriter w, RealtimeItem item, string? previous)
    {
        WriteNullable(w, "previous_item_id"u8, previous);
        lock (_sync)
        {
            RealtimeJson.WriteItem(w, "item"u8, item, _names);
        }
    }

    private Task SendErrorAsync(RealtimeError error, string? eventId) =>
        _sink.SendAsync("error", (Error: error, EventId: eventId), static (w, s) =>
        {
            w.WriteStartObject("error"u8);
            w.WriteString("type"u8, s.Error.Type);
            w.WriteString("code"u8, s.Error.Code);
            w.WriteString("message"u8, s.Error.Message);
            WriteNullable(w, "param"u8, s.Error.Param);
            WriteNullable(w, "event_id"u8, s.EventId);
            w.WriteEndObject();
        }, _aborted);

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
