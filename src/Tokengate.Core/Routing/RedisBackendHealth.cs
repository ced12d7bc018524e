using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Tokengate.Configuration;
using Tokengate.State;

namespace Tokengate.Routing;

/// <summary>
/// Backend health shared by every instance. Each instance keeps its own <see cref="InMemoryBackendHealth"/> (its
/// breakers, probes and utilization readings) plus a mirror of what the fleet reported; selection reads only those
/// two, in memory. When a report puts a backend to rest (a 429 cooldown, a failure cooldown, an opened circuit) the
/// new times go through a background queue to Redis: one script keeps the latest times in a hash that expires with
/// them (for instances that start later or reconnect) and publishes them on <c>{prefix}health</c>, which every
/// instance applies to its mirror. Without Redis the local view alone decides, as on a single instance.
/// </summary>
/// <remarks>
/// To share a new kind of report (a member added to <see cref="IBackendHealth"/>), forward it to the local view and,
/// if other instances must know, add its field to the hash, the message and <see cref="SharedBackendHealthState"/>.
/// A remote open circuit counts as a cooldown here: when it ends, each instance admits traffic again and its own
/// breaker decides, rather than one fleet-wide half-open probe.
/// </remarks>
internal sealed partial class RedisBackendHealth : IBackendHealth, IHostedService
{
    private const string Channel = "health";
    private readonly InMemoryBackendHealth _local;
    private readonly ConcurrentDictionary<string, SharedBackendHealthState> _shared = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, IBackendAvailability> _limitViews = new();
    private readonly Channel<string> _reports = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly RedisConnection _redis;
    private readonly GatewayConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly StateMetrics _metrics;
    private readonly ILogger<RedisBackendHealth> _logger;
    private Task _loop = Task.CompletedTask;

    public RedisBackendHealth(RedisConnection redis, GatewayConfiguration configuration, TimeProvider time, StateMetrics metrics, ILogger<RedisBackendHealth> logger,
        BackendDrainState? drains = null)
    {
        _redis = redis;
        _configuration = configuration;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _local = new InMemoryBackendHealth(time, () => configuration.Current.Forwarding, drains);
        IgnoringSpillover = new SharedView(this, _local.IgnoringSpillover);
        Pinned = new SharedView(this, _local.Pinned);
    }

    public IBackendAvailability IgnoringSpillover { get; }

    public IBackendAvailability Pinned { get; }

    public IBackendAvailability WithUtilizationLimit(long basisPoints, bool provisionedOnly = false) =>
        basisPoints <= 0 && !provisionedOnly ? IgnoringSpillover
        : _limitViews.GetOrAdd(Math.Max(0, basisPoints) * 2 + (provisionedOnly ? 1 : 0),
            static (key, health) => new SharedView(health, health._local.WithUtilizationLimit(key / 2, (key & 1) == 1)), this);

    public bool IsAvailable(Backend backend, Pool pool) => !SharedBlocks(backend) && _local.IsAvailable(backend, pool);

    public bool TryBeginAttempt(Backend backend) => _local.TryBeginAttempt(backend);

    public void ReportSuccess(Backend backend) => _local.ReportSuccess(backend);

    public void ReportThrottled(Backend backend, DateTimeOffset until)
    {
        _local.ReportThrottled(backend, until);
        Share(backend);
    }

    public void ReportFailure(Backend backend, DateTimeOffset? restUntil)
    {
        _local.ReportFailure(backend, restUntil);
        Share(backend);
    }

    public void ReportDisputed(Backend backend)
    {
        _local.ReportDisputed(backend);
        Share(backend);
    }

    public void ReportAbandoned(Backend backend) => _local.ReportAbandoned(backend);

    public void ReportUtilization(Backend backend, double percent) => _local.ReportUtilization(backend, percent);

    // Quota stays per instance: each instance reads the backend's own rate-limit headers on its responses, which
    // already describe the whole deployment, so there is nothing to gain from sharing its projection.
    public BackendQuota Quota(Backend backend) => _local.Quota(backend);

    public void ReportSent(Backend backend, long estimatedTokens) => _local.ReportSent(backend, estimatedTokens);

    public void ReportQuota(Backend backend, BackendQuotaReading reading) => _local.ReportQuota(backend, reading);

    public void ReportSettled(Backend backend, long estimatedTokens, long actualTokens) => _local.ReportSettled(backend, estimatedTokens, actualTokens);

    public PoolRecovery EarliestRecovery(Pool pool) => PoolRecovery.Earliest(pool, Describe, _time.GetUtcNow());

    public BackendHealthRecord Describe(Backend backend)
    {
        var local = _local.Describe(backend);
        if (!_shared.TryGetValue(backend.Name, out var shared)) return local;
        var now = _time.GetUtcNow().UtcTicks;
        var cooling = Interlocked.Read(ref shared.CoolingUntilTicks);
        var throttled = Interlocked.Read(ref shared.ThrottledUntilTicks);
        var open = Interlocked.Read(ref shared.CircuitOpenUntilTicks);
        return local with
        {
            CoolingUntil = Later(local.CoolingUntil, cooling > now ? cooling : 0),
            ThrottledUntil = Later(local.ThrottledUntil, throttled > now ? throttled : 0),
            CircuitOpenUntil = Later(local.CircuitOpenUntil, open > now ? open : 0),
        };
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis.Restored += OnRestored;
        await _redis.SubscribeAsync(Channel, OnMessage).ConfigureAwait(false);
        await LoadAsync().ConfigureAwait(false);
        _loop = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _reports.Writer.TryComplete();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool SharedBlocks(Backend backend) => _shared.TryGetValue(backend.Name, out var s) && s.Blocks(_time.GetUtcNow().UtcTicks);

    /// <summary>Queues the backend's current rest times for the fleet when they are news (not already known from it).</summary>
    private void Share(Backend backend)
    {
        var h = _local.Describe(backend);
        var cooling = h.CoolingUntil?.UtcTicks ?? 0;
        var throttled = h.ThrottledUntil?.UtcTicks ?? 0;
        var open = h.CircuitOpenUntil?.UtcTicks ?? 0;
        if (SharedState(backend.Name).Raise(cooling, throttled, open)) _reports.Writer.TryWrite(backend.Name);
    }

    private SharedBackendHealthState SharedState(string name) => _shared.GetOrAdd(name, static _ => new SharedBackendHealthState());

    private async Task WriteLoopAsync()
    {
        while (await _reports.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_reports.Reader.TryRead(out var name))
            {
                if (!_redis.IsConnected) continue;  // on reconnect, OnRestored shares everything still resting
                var s = SharedState(name);
                RedisValue[] values =
                [
                    ToUnixMs(Interlocked.Read(ref s.CoolingUntilTicks)), ToUnixMs(Interlocked.Read(ref s.CircuitOpenUntilTicks)),
                    ToUnixMs(Interlocked.Read(ref s.ThrottledUntilTicks)), _time.GetUtcNow().ToUnixTimeMilliseconds(), _redis.Prefix + Channel, name,
                ];
                try
                {
                    await _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(RedisBackendHealthScripts.Report, [Key(name)], values).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _metrics.Errors.Add(1);
                    LogShareFailed(_logger, name, ex.GetType().Name);
                }
            }
        }
    }

    /// <summary>The stored times of every configured backend: at start and after a reconnect (messages were missed).</summary>
    private async Task LoadAsync()
    {
        if (!_redis.IsConnected) return;
        try
        {
            var database = _redis.Multiplexer.GetDatabase();
            foreach (var pool in _configuration.Current.Pools)
            {
                foreach (var backend in pool.Backends)
                {
                    var fields = await database.HashGetAsync(Key(backend.Name), ["c", "o", "t"]).ConfigureAwait(false);
                    Apply(backend.Name, (long)fields[0], (long)fields[1], (long)fields[2]);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.Errors.Add(1);
            LogLoadFailed(_logger, ex.GetType().Name);
        }
    }

    private void OnRestored()
    {
        // What this instance saw while cut off goes to the fleet; what the fleet saw comes back.
        foreach (var pool in _configuration.Current.Pools)
        {
            foreach (var backend in pool.Backends)
            {
                var h = _local.Describe(backend);
                if (h.CoolingUntil is not null || h.CircuitOpenUntil > _time.GetUtcNow()) _reports.Writer.TryWrite(backend.Name);
            }
        }
        _ = LoadAsync();
    }

    /// <summary><c>name|coolingUntil|openUntil|throttledUntil</c>, read from the end: a backend name may contain '|'.</summary>
    private void OnMessage(RedisValue message)
    {
        var text = message.ToString();
        var throttled = text.LastIndexOf('|');
        var open = throttled > 0 ? text.LastIndexOf('|', throttled - 1) : -1;
        var cooling = open > 0 ? text.LastIndexOf('|', open - 1) : -1;
        if (cooling <= 0
            || !long.TryParse(text.AsSpan(cooling + 1, open - cooling - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var coolingMs)
            || !long.TryParse(text.AsSpan(open + 1, throttled - open - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var openMs)
            || !long.TryParse(text.AsSpan(throttled + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var throttledMs))
            return;
        Apply(text[..cooling], coolingMs, openMs, throttledMs);
    }

    private void Apply(string name, long coolingUntilMs, long openUntilMs, long throttledUntilMs) =>
        SharedState(name).Raise(FromUnixMs(coolingUntilMs), FromUnixMs(throttledUntilMs), FromUnixMs(openUntilMs));

    private RedisKey Key(string backend) => _redis.Prefix + "health:" + backend;

    private static long ToUnixMs(long ticks) => ticks == 0 ? 0 : new DateTimeOffset(ticks, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long FromUnixMs(long ms) => ms <= 0 ? 0 : DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcTicks;

    private static DateTimeOffset? Later(DateTimeOffset? local, long sharedTicks) =>
        sharedTicks == 0 ? local : local is { } l && l.UtcTicks >= sharedTicks ? l : new DateTimeOffset(sharedTicks, TimeSpan.Zero);

    [LoggerMessage(1, LogLevel.Warning, "Sharing the health of backend {Backend} failed ({Error}); other instances learn of it from their own requests")]
    private static partial void LogShareFailed(ILogger logger, string backend, string error);

    [LoggerMessage(2, LogLevel.Warning, "Reading the shared backend health failed ({Error}); using what this instance sees")]
    private static partial void LogLoadFailed(ILogger logger, string error);

    private sealed class SharedView(RedisBackendHealth health, IBackendAvailability local) : IBackendAvailability
    {
        public bool IsAvailable(Backend backend, Pool pool) => !health.SharedBlocks(backend) && local.IsAvailable(backend, pool);

        public BackendQuota Quota(Backend backend) => local.Quota(backend);
    }
}
