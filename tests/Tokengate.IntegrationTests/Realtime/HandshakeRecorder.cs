using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>
/// A loopback TCP relay in front of a backend that keeps the request head (request line and headers) of every
/// connection it relays: what the backend was sent, to check that no consumer credential reached it.
/// </summary>
internal sealed class HandshakeRecorder : IAsyncDisposable
{
    private const int MaxHead = 16 * 1024;
    private readonly Uri _target;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _heads = [];
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;

    public HandshakeRecorder(Uri target)
    {
        _target = target;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    /// <summary>The request heads received so far, oldest first.</summary>
    public IReadOnlyList<string> Heads
    {
        get
        {
            lock (_lock) return [.. _heads];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        Task[] open;
        lock (_lock) open = [.. _connections];
        await Task.WhenAll(open.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_lock) _connections.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var fromClient = client.GetStream();
            var toServer = server.GetStream();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = CopyAsync(fromClient, toServer, record: true, done.Token);
            var down = CopyAsync(toServer, fromClient, record: false, done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
            await Task.WhenAll(up.ContinueWith(_ => { }, TaskScheduler.Default), down.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool record, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var head = record ? new MemoryStream() : null;
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }
            if (head is not null)
            {
                head.Write(buffer, 0, Math.Min(read, MaxHead - (int)head.Length));
                var text = Encoding.Latin1.GetString(head.GetBuffer(), 0, (int)head.Length);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 || head.Length >= MaxHead)
                {
                    lock (_lock) _heads.Add(end >= 0 ? text[..end] : text);
                    head = null;
                }
            }
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
