using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.Configuration;
using Tokengate.Secrets;

namespace Tokengate.State;

/// <summary>
/// The one multiplexed connection to Redis. Connects before the gateway serves but never fails the start: while
/// Redis is unreachable every user of shared state falls back to local state, and StackExchange.Redis keeps
/// reconnecting in the background. Commands fail fast when disconnected (no backlog), so a request never waits on
/// a Redis that is down.
/// </summary>
internal sealed partial class RedisConnection(
    IOptions<StateOptions> options, IOptions<GatewayOptions> gateway, ISecretResolver secrets, StateStatus status, StateMetrics metrics,
    ILogger<RedisConnection> logger)
    : IHostedService, IAsyncDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>The prefix of every key and channel.</summary>
    public string Prefix => options.Value.Redis.KeyPrefix;

    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>The connection; only after start.</summary>
    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Redis is used before the gateway started.");

    /// <summary>Raised when the connection comes back; shared state may have changed (or been lost) meanwhile.</summary>
    public event Action? Restored;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var redis = options.Value.Redis;
        // Valid, but a request still running when its hold expires stops counting against concurrency and budgets.
        var deadline = gateway.Value.Forwarding.Deadline;
        if (options.Value.ReservationLifetime <= deadline) LogLifetimeShort(logger, options.Value.ReservationLifetime, deadline);
        var configuration = ConfigurationOptions.Parse(secrets.Resolve(redis.ConnectionString!));
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = configuration.SyncTimeout = (int)redis.OperationTimeout.TotalMilliseconds;
        configuration.ConnectTimeout = Math.Max(configuration.ConnectTimeout > 0 ? Math.Min(configuration.ConnectTimeout, 5000) : 5000, (int)redis.OperationTimeout.TotalMilliseconds);
        configuration.ReconnectRetryPolicy = new LinearRetry((int)redis.ReconnectInterval.TotalMilliseconds);
        configuration.ClientName ??= "tokengate";
        status.Redis = this;
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        _multiplexer.ConnectionFailed += OnConnectionFailed;
        _multiplexer.ConnectionRestored += OnConnectionRestored;
        if (_multiplexer.IsConnected) LogShared(logger);
        else
        {
            metrics.Fallbacks.Add(1);
            LogUnreachableAtStart(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Subscribes to <c>{prefix}{channel}</c>. StackExchange.Redis re-subscribes by itself after a reconnect; a
    /// subscription that could not be made at start (Redis down) is made when the connection is restored.
    /// </summary>
    public async Task SubscribeAsync(string channel, Action<RedisValue> handler)
    {
        var name = RedisChannel.Literal(Prefix + channel);
        var subscribed = 0;
        async Task TryAsync()
        {
            if (Volatile.Read(ref subscribed) == 1 || !IsConnected) return;
            try
            {
                await Multiplexer.GetSubscriber().SubscribeAsync(name, (_, message) => handler(message)).ConfigureAwait(false);
                Volatile.Write(ref subscribed, 1);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                metrics.Errors.Add(1);
            }
        }
        Restored += () => _ = TryAsync();
        await TryAsync().ConfigureAwait(false);
    }

    /// <summary>Publishes on <c>{prefix}{channel}</c>; false when Redis is unreachable.</summary>
    public async ValueTask<bool> TryPublishAsync(string channel, RedisValue message)
    {
        if (!IsConnected) return false;
        try
        {
            await Multiplexer.GetSubscriber().PublishAsync(RedisChannel.Literal(Prefix + channel), message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.Errors.Add(1);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer) await multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        metrics.Fallbacks.Add(1);
        // The failure type and endpoint only: the exception text may carry the configuration string.
        LogLost(logger, e.FailureType);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        LogRestored(logger, e.ConnectionType);
        Restored?.Invoke();
    }

    [LoggerMessage(5, LogLevel.Warning, "Tokengate:State:ReservationLifetime ({Lifetime}) is not above Tokengate:Forwarding:Deadline ({Deadline}): a request that runs longer than the lifetime loses its concurrency hold and budget reservation in Redis while it still runs")]
    private static partial void LogLifetimeShort(ILogger logger, TimeSpan lifetime, TimeSpan deadline);

    [LoggerMessage(1, LogLevel.Information, "Shared state: connected to Redis")]
    private static partial void LogShared(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Shared state: Redis is unreachable at start; limits, budgets and backend health are local (limits and budgets divided by the instance count) until it connects")]
    private static partial void LogUnreachableAtStart(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Shared state: lost the Redis connection ({FailureType}); limits, budgets and backend health are local until it returns")]
    private static partial void LogLost(ILogger logger, ConnectionFailureType failureType);

    [LoggerMessage(4, LogLevel.Information, "Shared state: Redis {ConnectionType} connection restored")]
    private static partial void LogRestored(ILogger logger, ConnectionType connectionType);
}
