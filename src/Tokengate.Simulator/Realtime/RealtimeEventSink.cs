using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Writes server events to the socket one at a time: the receive loop and a streaming response both send, and a
/// WebSocket takes one send at a time. Each event is <c>{"type", "event_id", …}</c> in one text message.
/// </summary>
internal sealed class RealtimeEventSink(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(4_096);
    private Utf8JsonWriter? _writer;

    public Task SendAsync(string type, CancellationToken cancellationToken) =>
        SendAsync(type, 0, static (_, _) => { }, cancellationToken);

    /// <summary>
    /// Sends one event whose body <paramref name="write"/> writes after <c>type</c> and <c>event_id</c>. The token only
    /// ends the session: a cancelled send aborts the socket, so a response's cancellation must never reach here.
    /// </summary>
    public async Task SendAsync<TState>(string type, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _buffer.ResetWrittenCount();
            var w = _writer ??= new Utf8JsonWriter(_buffer);
            w.Reset(_buffer);
            w.WriteStartObject();
            w.WriteString("type"u8, type);
            w.WriteString("event_id"u8, RealtimeIds.Event());
            write(w, state);
            w.WriteEndObject();
            w.Flush();
            await socket.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Answers the client's close frame (or closes first), after any event being sent.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? description, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await socket.CloseOutputAsync(status, description, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _gate.Dispose();
    }
}
