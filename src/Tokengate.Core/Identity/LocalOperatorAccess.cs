using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Identity;

/// <summary>
/// Lets <c>tokengate keys ...</c> manage the gateway running next to it: the <see cref="LocalOperatorCredential"/>
/// and the admin URL are written into the data folder once the server listens, and removed on shutdown. Whoever can read the data folder can already read
/// the database there; the key adds no reach beyond that folder's owner.
/// </summary>
internal sealed partial class LocalOperatorAccess : IHostedService
{
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly LocalOperatorCredential _credential;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalOperatorAccess> _logger;
    private readonly string _dataDirectory;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private CancellationTokenRegistration _started;

    public LocalOperatorAccess(IServer server, IHostApplicationLifetime lifetime, LocalOperatorCredential credential, IOptions<DataOptions> data, TimeProvider time, ILogger<LocalOperatorAccess> logger)
    {
        _server = server;
        _lifetime = lifetime;
        _credential = credential;
        _time = time;
        _logger = logger;
        _dataDirectory = Path.GetFullPath(data.Value.Directory);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Addresses are known only once the server listens, which is after hosted services start.
        if (_credential.Enabled) _started = _lifetime.ApplicationStarted.Register(WriteFiles);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _started.Dispose();
        if (_credential.Enabled) RemoveFiles();
        return Task.CompletedTask;
    }

    private void WriteFiles()
    {
        try
        {
            var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null) return;
            Directory.CreateDirectory(_dataDirectory);
            var keyPath = Path.Combine(_dataDirectory, GatewayDiscovery.KeyFileName);
            File.Delete(keyPath);
            // Created with 0600 from the start: there is no moment at which another user could open it.
            var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(keyPath, file))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(_credential.Key);
            }
            var discovery = new GatewayDiscovery(AdminUrl(address), Environment.ProcessId, _instance, _time.GetUtcNow());
            File.WriteAllText(Path.Combine(_dataDirectory, GatewayDiscovery.FileName), discovery.ToJson());
            LogWritten(_logger, _dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, ex, _dataDirectory);
        }
    }

    private void RemoveFiles()
    {
        try
        {
            // Another gateway may have started on the same folder since; leave its files alone.
            var path = Path.Combine(_dataDirectory, GatewayDiscovery.FileName);
            if (!File.Exists(path) || !File.ReadAllText(path).Contains(_instance, StringComparison.Ordinal)) return;
            File.Delete(Path.Combine(_dataDirectory, GatewayDiscovery.KeyFileName));
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, ex, _dataDirectory);
        }
    }

    // A wildcard listen address is reached on loopback from the same machine.
    private static Uri AdminUrl(string address)
    {
        var normalized = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return new Uri(normalized.TrimEnd('/') + "/admin/");
    }

    [LoggerMessage(1, LogLevel.Information, "Local operator access written to {Directory}")]
    private static partial void LogWritten(ILogger logger, string directory);

    [LoggerMessage(2, LogLevel.Warning, "Could not write or remove local operator access files in {Directory}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string directory);
}
