using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tokengate.IntegrationTests.Simulator;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// A <see cref="ClientWebSocket"/> speaking realtime events as JSON, for the simulator's and the gateway's realtime
/// tests: events one by one or up to a type, and, when the server ends the session, how it closed it.
/// </summary>
internal sealed class RealtimeTestClient : IAsyncDisposable
{
    // Only a guard against a hang turning into a stuck test run; no assertion depends on it.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _guard = new(HangGuard);

    private RealtimeTestClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>The WebSocket URL of <paramref name="pathAndQuery"/> on an HTTP endpoint.</summary>
    public static Uri Url(Uri endpoint, string pathAndQuery) =>
        new(new Uri(endpoint.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), pathAndQuery);

    public static ClientWebSocket NewSocket(Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.AddSubProtocol("realtime");
        configure?.Invoke(socket.Options);
        return socket;
    }

    public static async Task<RealtimeTestClient> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure)
    {
        var socket = NewSocket(configure);
        await socket.ConnectAsync(url, CancellationToken.None);
        return new RealtimeTestClient(socket);
    }

    /// <summary>Connects with <paramref name="key"/> in the <c>api-key</c> header.</summary>
    public static Task<RealtimeTestClient> ConnectAsync(Uri url, string key) => ConnectAsync(url, o => o.SetRequestHeader("api-key", key));

    /// <summary>Connects to a simulator, with its harness key in <c>api-key</c> unless <paramref name="configure"/> sets up credentials itself.</summary>
    public static Task<RealtimeTestClient> OpenAsync(Uri endpoint, string pathAndQuery, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(Url(endpoint, pathAndQuery), configure ?? (o => o.SetRequestHeader("api-key", SimulatorHarness.Key)));

    public Task SendAsync(string json) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, _guard.Token);

    public Task SendAsync(object value) => SendAsync(JsonSerializer.Serialize(value));

    /// <summary>The next server event, or null when the server closed the session instead.</summary>
    public async Task<JsonElement?> ReceiveOrCloseAsync()
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(buffer, _guard.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    /// <summary>The next server event; throws when the server closed the session instead.</summary>
    public async Task<JsonElement> ReceiveAsync() =>
        await ReceiveOrCloseAsync() ?? throw new InvalidOperationException($"The server closed the session: {Socket.CloseStatus} {Socket.CloseStatusDescription}");

    /// <summary>Events up to and including the first of type <paramref name="type"/>.</summary>
    public async Task<List<JsonElement>> ReceiveThroughAsync(string type)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var e = await ReceiveAsync();
            events.Add(e);
            if (Type(e) == type) return events;
        }
    }

    /// <summary>The first event of type <paramref name="type"/>, skipping the ones before it.</summary>
    public async Task<JsonElement> ReceiveTypeAsync(string type) => (await ReceiveThroughAsync(type))[^1];

    /// <summary>Every event until the server's close frame (answered), then the close status and reason.</summary>
    public async Task<(List<JsonElement> Events, WebSocketCloseStatus? Status, string? Reason)> ReceiveUntilClosedAsync()
    {
        var events = new List<JsonElement>();
        while (await ReceiveOrCloseAsync() is { } e) events.Add(e);
        if (Socket.State == WebSocketState.CloseReceived)
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _guard.Token);
        return (events, Socket.CloseStatus, Socket.CloseStatusDescription);
    }

    public static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    public static List<string> Types(IEnumerable<JsonElement> events) => [.. events.Select(Type)];

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, _guard.Token);
            }
            catch (WebSocketException)
            {
                // The server is already gone.
            }
        }
        Socket.Dispose();
        _guard.Dispose();
    }
}
