using System.Net;
using System.Net.Sockets;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP port that relays to another endpoint and can be switched off (listener closed, every relayed
/// connection cut, so new connections are refused) and on again on the same port: a database that goes away and
/// comes back, without touching the shared server.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public TcpForwarder(IPEndPoint target)
    {
        _target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Enable();
    }

    public int Port { get; }

    public void Enable()
    {
        lock (_lock)
        {
            if (_listener is not null) return;
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            var listener = _listener;
            _accepting = Task.Run(() => AcceptAsync(listener));
        }
    }

    public void Disable()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var c in _connections) c.Dispose();
            _connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Disable();
        await _accepting;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_target);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }
            lock (_lock)
            {
                if (_listener != listener)
                {
                    client.Dispose();
                    upstream.Dispose();
                    return;
                }
                _connections.Add(client);
                _connections.Add(upstream);
            }
            _ = RelayAsync(client, upstream);
            _ = RelayAsync(upstream, client);
        }
    }

    private static async Task RelayAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut by Disable or by either side.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
