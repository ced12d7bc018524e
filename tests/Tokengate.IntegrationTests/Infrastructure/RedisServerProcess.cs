using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, on a free loopback port in a temporary folder, that the test can stop and start
/// again on the same port (to play an outage of the shared state).
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokengate-redis-");
    private Process? _process;

    private RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var server = new RedisServerProcess(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(TestRedis.Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _folder.FullName,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", Path.Combine(_folder.FullName, "redis.log") })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not answer on {Endpoint}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server (as a crash or a network cut would look to the gateways).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Delete(recursive: true);
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
