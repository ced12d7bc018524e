namespace Tokengate.Routing;

/// <summary>The Lua script of <see cref="RedisBackendHealth"/>.</summary>
internal static class RedisBackendHealthScripts
{
    /// <summary>
    /// KEYS: the backend's hash. ARGV: cooling until, circuit open until, throttled until (Unix ms, 0 = none), now
    /// (Unix ms), channel, backend name. Keeps the later of the stored and the reported times, expires the hash when
    /// they have passed, and publishes the result as <c>name|coolingUntil|openUntil|throttledUntil</c> to every instance.
    /// </summary>
    public const string Report = """
        local c = math.max(tonumber(redis.call('HGET', KEYS[1], 'c') or '0'), tonumber(ARGV[1]))
        local o = math.max(tonumber(redis.call('HGET', KEYS[1], 'o') or '0'), tonumber(ARGV[2]))
        local t = math.max(tonumber(redis.call('HGET', KEYS[1], 't') or '0'), tonumber(ARGV[3]))
        local ttl = math.max(c, o) - tonumber(ARGV[4])
        if ttl <= 0 then return 0 end
        redis.call('HSET', KEYS[1], 'c', c, 'o', o, 't', t)
        redis.call('PEXPIRE', KEYS[1], ttl + 1000)
        redis.call('PUBLISH', ARGV[5], ARGV[6] .. '|' .. c .. '|' .. o .. '|' .. t)
        return 1
        """;
}
