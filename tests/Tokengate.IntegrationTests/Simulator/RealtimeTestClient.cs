using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>A <see cref="ClientWebSocket"/> speaking realtime events as JSON, for the simulator's realtime tests.</summary>
internal sealed class RealtimeTestClient : IAsyncDisposable
{
    // Only a guard against a hang turning into a stuck test run; no assertion depends on it.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _guard = new(HangGuard);

    private RealtimeTestClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

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

    /// <summary>Connects with the harness key in <c>api-key</c> unless <paramref name="configure"/> sets up credentials itself.</summary>
    public static async Task<RealtimeTestClient> ConnectAsync(Uri endpoint, string pathAndQuery, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = NewSocket(configure ?? (o => o.SetRequestHeader("api-key", SimulatorHarness.Key)));
        await socket.ConnectAsync(Url(endpoint, pathAndQuery), CancellationToken.None);
        return new RealtimeTestClient(socket);
    }

    public Task SendAsync(string json) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, _guard.Token);

    public Task SendAsync(object value) => SendAsync(JsonSerializer.Serialize(value));

    /// <summary>The next server event.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(buffer, _guard.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the session: {result.CloseStatus} {result.CloseStatusDescription}");
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    /// <summary>Events up to and including the first of type <paramref name="type"/>.</summary>
    public async Task<List<JsonElement>> ReceiveThroughAsync(string type)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var e = await ReceiveAsync();
            events.Add(e);
            if (Type(e) == type)
            {
                return events;
            }
        }
    }

    public async Task<JsonElement> ReceiveTypeAsync(string type)
    {
        var events = await ReceiveThroughAsync(type);
        return events[^1];
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
