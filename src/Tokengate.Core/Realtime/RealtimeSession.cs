using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Tokengate.Accounting;
using Tokengate.Hosting;

namespace Tokengate.Realtime;

/// <summary>
/// One open session: relays both directions at once, frame by frame (text and binary, each receive forwarded as it
/// arrives with its end-of-message flag, through one pooled buffer per direction), and peeks at server events only
/// for their <c>type</c> (<see cref="RealtimeEventPeek"/>); the few that carry usage or the model are also copied aside
/// until complete and then read (<see cref="RealtimeEventReader"/>) and settled (<see cref="RealtimeMeter"/>).
/// </summary>
/// <remarks>
/// Only the upstream reader writes to the client, so a message is never interleaved with another; when the gateway
/// ends the session (a spent budget, a revoked credential, shutdown) it closes the upstream side, and the upstream
/// reader, at the next message boundary, sends the client the <c>error</c> event and the close frame. Closes pass
/// through in both directions; a side that does not answer a close within <see cref="CloseTimeout"/> is aborted.
/// </remarks>
internal sealed partial class RealtimeSession : IDisposable
{
    private const int BufferBytes = 16 * 1024;

    /// <summary>How long a side has to answer a close frame before its socket is aborted.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly GatewayRequestFeature _feature;
    private readonly WebSocket _client;
    private readonly ClientWebSocket _upstream;
    private readonly RealtimeMeter _meter;
    private readonly RealtimeCredentialCheck _credential;
    private readonly RealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abortUpstream;
    private readonly CancellationTokenSource _abortClient;
    private RealtimeSessionEnd? _end;
    private int _upstreamClosing;
    private int _clientClosing;
    private int _checking;
    private volatile bool _finished;

    // The client's own close, when it closed first (-1: it did not).
    private int _clientCloseStatus = -1;
    private string? _clientCloseDescription;
    private volatile bool _upstreamIdle;
    private volatile bool _clientGone;

    // Read by the upstream reader only.
    private string? _model;
    private string? _transcriptionModel;
    private long _responseStart;
    private long _firstDelta;
    private byte[] _event = [];
    private int _eventLength;
    private bool _eventTooLarge;

    public RealtimeSession(GatewayRequestFeature feature, WebSocket client, ClientWebSocket upstream, RealtimeMeter meter,
        RealtimeCredentialCheck credential, RealtimeOptions options, TimeProvider time, ILogger logger)
    {
        _feature = feature;
        _client = client;
        _upstream = upstream;
        _meter = meter;
        _credential = credential;
        _options = options;
        _time = time;
        _logger = logger;
        // Created on the gateway's clock, so CancelAfter waits in its time.
        _abortUpstream = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _abortClient = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>How the session ended, for metrics and logs (<c>closed</c> when the client closed it).</summary>
    public string Outcome { get; private set; } = "closed";

    /// <summary>Relays until both sides are closed (or aborted). <paramref name="stopping"/> ends the session as the gateway shuts down.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = _time.CreateTimer(static s => ((RealtimeSession)s!).CheckCredential(), this, _options.RevocationCheckInterval, _options.RevocationCheckInterval);
        using var shutdown = stopping.UnsafeRegister(static s => ((RealtimeSession)s!).End(RealtimeSessionEnd.Shutdown), this);
        try
        {
            await Task.WhenAll(RelayUpstreamAsync(), RelayClientAsync()).ConfigureAwait(false);
        }
        finally
        {
            _finished = true;
        }
    }

    /// <summary>The gateway ends the session: the upstream side is closed now, the client at the next message boundary.</summary>
    public void End(RealtimeSessionEnd end)
    {
        if (_finished || Interlocked.CompareExchange(ref _end, end, null) is not null) return;
        _ = EndUpstreamAsync(end);
    }

    private async Task EndUpstreamAsync(RealtimeSessionEnd end)
    {
        await CloseUpstreamAsync(end.Status, end.Reason).ConfigureAwait(false);
        // A reader waiting for the next event would wait for the backend's answer to the close; the client need not.
        if (!_upstreamIdle) return;
        try
        {
            _abortUpstream.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session is over already.
        }
    }

    public void Dispose()
    {
        _finished = true;
        _abortUpstream.Dispose();
        _abortClient.Dispose();
        if (_event.Length > 0) ArrayPool<byte>.Shared.Return(_event);
        _event = [];
    }

    /// <summary>Upstream to client: every frame relayed as it arrives; events with usage or the model read once complete.</summary>
    private async Task RelayUpstreamAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var head = ArrayPool<byte>.Shared.Rent(RealtimeEventPeek.HeadBytes);
        var inMessage = false;
        var classified = true;
        var kind = RealtimeEventKind.Other;
        var headLength = 0;
        var closedByUpstream = false;
        try
        {
            while (true)
            {
                if (!inMessage && Volatile.Read(ref _end) is not null) break;
                ValueWebSocketReceiveResult received;
                _upstreamIdle = !inMessage;
                try
                {
                    received = await _upstream.ReceiveAsync(buffer.AsMemory(), _abortUpstream.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsSocketFault(ex))
                {
                    break;
                }
                finally
                {
                    _upstreamIdle = false;
                }
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    closedByUpstream = true;
                    break;
                }

                if (!inMessage)
                {
                    inMessage = true;
                    classified = received.MessageType != WebSocketMessageType.Text;
                    kind = RealtimeEventKind.Other;
                    headLength = 0;
                    _eventLength = 0;
                    _eventTooLarge = false;
                }
                var chunk = buffer.AsMemory(0, received.Count);
                if (!classified)
                {
                    // The type is looked for in the first bytes only; a large delta costs one short scan.
                    var before = headLength;
                    var take = Math.Min(received.Count, head.Length - headLength);
                    chunk.Span[..take].CopyTo(head.AsSpan(headLength));
                    headLength += take;
                    if (RealtimeEventPeek.TryClassify(head.AsSpan(0, headLength), received.EndOfMessage || headLength == RealtimeEventPeek.HeadBytes, out kind))
                    {
                        classified = true;
                        Observe(kind);
                        if (IsRead(kind))
                        {
                            Append(head.AsSpan(0, before));
                            Append(chunk.Span);
                        }
                    }
                }
                else if (IsRead(kind))
                {
                    Append(chunk.Span);
                }

                if (!_clientGone)
                {
                    try
                    {
                        await _client.SendAsync(chunk, received.MessageType, received.EndOfMessage, _abortClient.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsSocketFault(ex))
                    {
                        _clientGone = true;
                        End(RealtimeSessionEnd.ClientGone);
                    }
                }

                if (!received.EndOfMessage) continue;
                inMessage = false;
                if (IsRead(kind) && await OnEventAsync(kind).ConfigureAwait(false) is { } end) End(end);
            }

            await CloseClientSideAsync(closedByUpstream, inMessage).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    /// <summary>After the upstream reader stopped: the client gets the close (and the error event) that fits how it stopped.</summary>
    private async Task CloseClientSideAsync(bool closedByUpstream, bool inMessage)
    {
        var end = Volatile.Read(ref _end);
        if (end is null && Volatile.Read(ref _clientCloseStatus) is >= 0 and var status)
        {
            // The client closed; the upstream answered (or was given up on): the client's close is answered.
            await CloseClientAsync((WebSocketCloseStatus)status, _clientCloseDescription).ConfigureAwait(false);
            return;
        }
        if (end is null && closedByUpstream)
        {
            // The backend ended the session (its own time limit, or an error it announced in an event).
            Outcome = "upstream_closed";
            var upstreamStatus = _upstream.CloseStatus ?? WebSocketCloseStatus.Empty;
            await CloseClientAsync(upstreamStatus, _upstream.CloseStatusDescription).ConfigureAwait(false);
            await CloseUpstreamAsync(upstreamStatus, _upstream.CloseStatusDescription).ConfigureAwait(false);
            return;
        }
        if (end is null)
        {
            // Dropped without a close frame, or failed: reported to the client as the backend's fault.
            end = Interlocked.CompareExchange(ref _end, RealtimeSessionEnd.UpstreamLost, null) ?? RealtimeSessionEnd.UpstreamLost;
            if (ReferenceEquals(end, RealtimeSessionEnd.UpstreamLost))
            {
                LogUpstreamLost(_logger, _feature.Outcome.Backend?.Name ?? "", _feature.Pool!.Name, _meter.Settled);
                _abortUpstream.Cancel();
            }
        }

        Outcome = end.Kind;
        if (ReferenceEquals(end, RealtimeSessionEnd.ClientGone) || _clientGone)
        {
            _abortClient.Cancel();
            return;
        }
        // An event cut in the middle cannot be followed by another message: then the close frame alone.
        if (!inMessage && end.ErrorEvent is { } error)
        {
            try
            {
                await _client.SendAsync(error, WebSocketMessageType.Text, endOfMessage: true, _abortClient.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsSocketFault(ex))
            {
                _abortClient.Cancel();
                return;
            }
        }
        await CloseClientAsync(end.Status, end.Reason).ConfigureAwait(false);
    }

    /// <summary>Client to upstream: every frame relayed as it arrives; a close passed on; after the gateway ended the session, dropped.</summary>
    private async Task RelayClientAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received;
                try
                {
                    received = await _client.ReceiveAsync(buffer.AsMemory(), _abortClient.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsSocketFault(ex))
                {
                    _clientGone = true;
                    End(RealtimeSessionEnd.ClientGone);
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // The client's own close (not its answer to the gateway's): passed on to the backend.
                    if (Volatile.Read(ref _clientClosing) == 0 && Volatile.Read(ref _end) is null)
                    {
                        var status = _client.CloseStatus ?? WebSocketCloseStatus.Empty;
                        _clientCloseDescription = _client.CloseStatusDescription;
                        Volatile.Write(ref _clientCloseStatus, (int)status);
                        await CloseUpstreamAsync(status, _clientCloseDescription).ConfigureAwait(false);
                    }
                    return;
                }
                if (Volatile.Read(ref _end) is not null || Volatile.Read(ref _upstreamClosing) != 0) continue;
                try
                {
                    await _upstream.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, _abortUpstream.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsSocketFault(ex))
                {
                    // The upstream reader sees the same failure and reports it; the client's frames are dropped until it closes.
                    Volatile.Write(ref _upstreamClosing, 1);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends the upstream side a close (once), and gives it <see cref="CloseTimeout"/> to answer.</summary>
    private async Task CloseUpstreamAsync(WebSocketCloseStatus status, string? reason)
    {
        if (Interlocked.Exchange(ref _upstreamClosing, 1) != 0 && _upstream.State != WebSocketState.CloseReceived) return;
        try
        {
            _abortUpstream.CancelAfter(CloseTimeout);
            await CloseOutputAsync(_upstream, status, reason, _abortUpstream.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSocketFault(ex))
        {
            // Already closed or broken: nothing to tell it.
        }
    }

    /// <summary>Sends the client a close (once), and gives it <see cref="CloseTimeout"/> to answer.</summary>
    private async Task CloseClientAsync(WebSocketCloseStatus status, string? reason)
    {
        if (Interlocked.Exchange(ref _clientClosing, 1) != 0) return;
        try
        {
            _abortClient.CancelAfter(CloseTimeout);
            await CloseOutputAsync(_client, status, reason, _abortClient.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSocketFault(ex))
        {
            // Already closed or gone.
        }
    }

    private static async Task CloseOutputAsync(WebSocket socket, WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        if (status == WebSocketCloseStatus.Empty) reason = null;
        else if (reason is not null) reason = RealtimeErrors.CloseReason(reason);
        try
        {
            await socket.CloseOutputAsync(status, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // A status this side may not send (one reserved for local use): a plain normal closure instead.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and settles a complete event the gateway needs; returns how the session must end, if it must.</summary>
    private async ValueTask<RealtimeSessionEnd?> OnEventAsync(RealtimeEventKind kind)
    {
        if (_eventTooLarge)
        {
            // A session event too large only leaves the model as it was; usage too large to read would go unmetered.
            return kind == RealtimeEventKind.Session ? null : RealtimeSessionEnd.EventTooLarge(_options.MaxEventBytes);
        }
        var json = _event.AsSpan(0, _eventLength);
        if (kind == RealtimeEventKind.Session)
        {
            RealtimeEventReader.ReadSession(json, ref _model, ref _transcriptionModel);
            return null;
        }
        if (!RealtimeEventReader.TryReadUsage(json, kind, out var usage)) return null;

        var accounting = _feature.Snapshot.Options.Accounting;
        var backend = _feature.Outcome.Backend!;
        BudgetState? spent;
        if (kind == RealtimeEventKind.ResponseDone)
        {
            var model = backend.Model ?? _model;
            var price = PriceTable.For(_feature.Pool!.Name, model, accounting);
            var start = _responseStart;
            var latency = _time.GetElapsedTime(start == 0 ? _feature.StartTimestamp : start).TotalMilliseconds;
            double? firstToken = start != 0 && _firstDelta != 0 ? _time.GetElapsedTime(start, _firstDelta).TotalMilliseconds : null;
            _responseStart = 0;
            _firstDelta = 0;
            spent = await _meter.SettleAsync(usage, price, model, latency, firstToken).ConfigureAwait(false);
        }
        else
        {
            // Input transcription is billed by its own model (on Azure, a transcription deployment's name).
            var model = _transcriptionModel ?? RealtimeEventReader.DefaultTranscriptionModel;
            spent = await _meter.SettleAsync(usage, PriceTable.For(model, model, accounting), model, 0, null).ConfigureAwait(false);
        }
        if (spent is null) return null;
        LogBudgetSpent(_logger, _feature.Consumer!.Name, spent.Label);
        return RealtimeSessionEnd.BudgetSpent(spent.Label);
    }

    private void Observe(RealtimeEventKind kind)
    {
        if (kind == RealtimeEventKind.ResponseCreated)
        {
            _responseStart = _time.GetTimestamp();
            _firstDelta = 0;
        }
        else if (kind == RealtimeEventKind.ResponseDelta && _firstDelta == 0)
        {
            _firstDelta = _time.GetTimestamp();
        }
    }

    private static bool IsRead(RealtimeEventKind kind) =>
        kind is RealtimeEventKind.ResponseDone or RealtimeEventKind.TranscriptionCompleted or RealtimeEventKind.Session;

    /// <summary>Copies part of an event that will be read once complete; past the limit it is only relayed.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_eventTooLarge || bytes.IsEmpty) return;
        var needed = _eventLength + bytes.Length;
        if (needed > _options.MaxEventBytes)
        {
            _eventTooLarge = true;
            return;
        }
        if (needed > _event.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(_options.MaxEventBytes, Math.Max(64 * 1024, _event.Length * 2))));
            _event.AsSpan(0, _eventLength).CopyTo(larger);
            if (_event.Length > 0) ArrayPool<byte>.Shared.Return(_event);
            _event = larger;
        }
        bytes.CopyTo(_event.AsSpan(_eventLength));
        _eventLength = needed;
    }

    /// <summary>The timer's check of the session's credential; a check still running (a JWT refresh) is not doubled.</summary>
    private void CheckCredential()
    {
        if (_finished || Volatile.Read(ref _end) is not null || Interlocked.Exchange(ref _checking, 1) != 0) return;
        try
        {
            var check = _credential.StillValidAsync(_feature, CancellationToken.None);
            if (!check.IsCompletedSuccessfully)
            {
                _ = AwaitCheckAsync(check);
                return;
            }
            Revoke(check.Result);
        }
        catch (Exception ex)
        {
            Interlocked.Exchange(ref _checking, 0);
            LogCheckFailed(_logger, ex);
        }
    }

    private async Task AwaitCheckAsync(ValueTask<bool> check)
    {
        try
        {
            Revoke(await check.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            Interlocked.Exchange(ref _checking, 0);
            LogCheckFailed(_logger, ex);
        }
    }

    private void Revoke(bool stillValid)
    {
        Interlocked.Exchange(ref _checking, 0);
        if (stillValid) return;
        LogRevoked(_logger, _feature.Consumer!.Name, _feature.Pool!.Name);
        End(RealtimeSessionEnd.Revoked);
    }

    private static bool IsSocketFault(Exception ex) =>
        ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException;

    [LoggerMessage(1, LogLevel.Warning, "Realtime session on backend {Backend} of pool {Pool} lost its upstream connection after {Settled} settled responses; the client got an error event and close 1011")]
    private static partial void LogUpstreamLost(ILogger logger, string backend, string pool, int settled);

    [LoggerMessage(2, LogLevel.Information, "Realtime session of {Consumer} ended: the {Budget} is spent")]
    private static partial void LogBudgetSpent(ILogger logger, string consumer, string budget);

    [LoggerMessage(3, LogLevel.Information, "Realtime session of {Consumer} on pool {Pool} ended: its credential is no longer valid")]
    private static partial void LogRevoked(ILogger logger, string consumer, string pool);

    [LoggerMessage(4, LogLevel.Error, "Checking a realtime session's credential failed; the check runs again on the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
