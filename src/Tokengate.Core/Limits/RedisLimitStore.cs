using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.State;

namespace Tokengate.Limits;

/// <summary>
/// The counters of the whole fleet, in Redis: each reserve, settle and release is one atomic script
/// (<see cref="RedisLimitScripts"/>), so a limit of N is N for all instances together. While Redis is unreachable
/// (or a call fails) the request is charged to this instance's own counters with every limit divided by
/// <see cref="StateOptions.InstanceCount"/>; a reservation is always settled where it was made.
/// </summary>
internal sealed partial class RedisLimitStore(
    RedisConnection redis, IOptions<StateOptions> options, TimeProvider time, StateMetrics metrics, ILogger<RedisLimitStore> logger) : ILimitStore
{
    private readonly InMemoryLimitStore _local = new(time);

    public async ValueTask<LimitDecision> TryReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens, CancellationToken cancellationToken)
    {
        if (redis.IsConnected)
        {
            try
            {
                return await ReserveSharedAsync(scopes, tokens).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                metrics.Errors.Add(1);
                LogFallback(logger, ex.GetType().Name);
            }
        }
        var decision = await _local.TryReserveAsync(LocalShare(scopes), tokens, cancellationToken).ConfigureAwait(false);
        // A refusal names the configured scope, not its local share, so the message states the real limit.
        return decision.Refused is { } refused ? decision with { Refused = scopes.First(s => s.Key == refused.Key) } : decision;
    }

    public ValueTask SettleAsync(LimitReservation reservation, long actualTokens, CancellationToken cancellationToken) =>
        reservation.SharedId is null
            ? _local.SettleAsync(reservation, actualTokens, cancellationToken)
            : ReturnSharedAsync(reservation, actualTokens - reservation.Tokens, 0);

    public ValueTask ReleaseAsync(LimitReservation reservation, CancellationToken cancellationToken) =>
        reservation.SharedId is null
            ? _local.ReleaseAsync(reservation, cancellationToken)
            : ReturnSharedAsync(reservation, -reservation.Tokens, -1);

    private async ValueTask<LimitDecision> ReserveSharedAsync(IReadOnlyList<LimitScope> scopes, long tokens)
    {
        var now = time.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var lifetime = (long)options.Value.ReservationLifetime.TotalMilliseconds;
        var id = Guid.NewGuid().ToString("N");
        var values = new RedisValue[6 + (scopes.Count * 3)];
        values[0] = nowSecond;
        values[1] = nowMs;
        values[2] = tokens;
        values[3] = id;
        values[4] = nowMs + lifetime;
        values[5] = lifetime;
        for (var i = 0; i < scopes.Count; i++)
        {
            values[6 + (i * 3)] = scopes[i].TokensPerMinute ?? -1;
            values[7 + (i * 3)] = scopes[i].RequestsPerMinute ?? -1;
            values[8 + (i * 3)] = scopes[i].ConcurrentRequests ?? -1;
        }
        var result = (RedisResult[])(await redis.Multiplexer.GetDatabase()
            .ScriptEvaluateAsync(RedisLimitScripts.Reserve, Keys(scopes), values).ConfigureAwait(false))!;

        if ((long)result[0] == 1)
        {
            return new LimitDecision(new LimitReservation(scopes, tokens, nowSecond, id),
                RemainingTokens: (long)result[1] is >= 0 and var t ? t : null,
                RemainingRequests: (long)result[2] is >= 0 and var r ? r : null);
        }
        var seconds = (long)result[3];
        return new LimitDecision(null, scopes[(int)(long)result[1]], (LimitKind)(long)result[2],
            seconds < 0 ? null : DateTimeOffset.FromUnixTimeSeconds(nowSecond + seconds) - now);
    }

    private async ValueTask ReturnSharedAsync(LimitReservation reservation, long tokens, long requests)
    {
        RedisValue[] values = [reservation.Second, time.GetUtcNow().ToUnixTimeSeconds(), tokens, requests, reservation.SharedId];
        try
        {
            await redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(RedisLimitScripts.Return, Keys(reservation.Scopes), values).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The window slot ages out and the concurrency hold expires by itself (ReservationLifetime).
            metrics.Errors.Add(1);
            LogSettleLost(logger, ex.GetType().Name);
        }
    }

    private RedisKey[] Keys(IReadOnlyList<LimitScope> scopes)
    {
        var keys = new RedisKey[scopes.Count * 3];
        for (var i = 0; i < scopes.Count; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{redis.Prefix}limit:{scopes[i].Key.ToLowerInvariant()}:");
            keys[i * 3] = key + "t";
            keys[(i * 3) + 1] = key + "r";
            keys[(i * 3) + 2] = key + "f";
        }
        return keys;
    }

    private List<LimitScope> LocalShare(IReadOnlyList<LimitScope> scopes)
    {
        var n = options.Value.InstanceCount;
        var local = new List<LimitScope>(scopes.Count);
        foreach (var s in scopes)
            local.Add(n == 1 ? s : s with { TokensPerMinute = Share(s.TokensPerMinute, n), RequestsPerMinute = Share(s.RequestsPerMinute, n), ConcurrentRequests = Share(s.ConcurrentRequests, n) });
        return local;
    }

    private static int? Share(int? limit, int instances) => limit is { } l ? Math.Max(1, l / instances) : null;

    [LoggerMessage(1, LogLevel.Warning, "A shared rate-limit reservation failed ({Error}); this request is charged to local counters")]
    private static partial void LogFallback(ILogger logger, string error);

    [LoggerMessage(2, LogLevel.Warning, "Settling a shared rate-limit reservation failed ({Error}); it ages out of the window by itself")]
    private static partial void LogSettleLost(ILogger logger, string error);
}
