namespace Tokengate.Affinity;

/// <summary>
/// The Lua scripts of <see cref="RedisAffinityStore"/>; each runs atomically on the Redis server. A record is a hash
/// <c>{prefix}affinity:{id}</c> with fields <c>k</c> kind, <c>p</c> pool, <c>b</c> backend, <c>c</c> consumer,
/// <c>cr</c> and <c>ex</c> created and expiry time (UTC ticks), <c>t</c> chain tokens, expiring (PEXPIREAT) when the
/// record does. A removed record leaves a tombstone, a hash with the single field <c>x</c>: without it a lookup would
/// miss, read the database's copy before the queued delete reached it, and write the record back into Redis.
/// </summary>
internal static class RedisAffinityScripts
{
    /// <summary>KEYS: the record. ARGV: kind, pool, backend, consumer, created, expires (ticks), chain tokens, expiry (Unix ms). Replaces whatever is there.</summary>
    public const string Record = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'k', ARGV[1], 'p', ARGV[2], 'b', ARGV[3], 'c', ARGV[4], 'cr', ARGV[5], 'ex', ARGV[6], 't', ARGV[7])
        redis.call('PEXPIREAT', KEYS[1], ARGV[8])
        return 1
        """;

    /// <summary>
    /// As <see cref="Record"/>, but only when the key is absent: a record read back from the database must not
    /// overwrite a newer one (or a tombstone) that another instance wrote meanwhile. Returns 1 when written.
    /// </summary>
    public const string Restore = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'k', ARGV[1], 'p', ARGV[2], 'b', ARGV[3], 'c', ARGV[4], 'cr', ARGV[5], 'ex', ARGV[6], 't', ARGV[7])
        redis.call('PEXPIREAT', KEYS[1], ARGV[8])
        return 1
        """;

    /// <summary>KEYS: the record. ARGV: chain tokens. Sets them on a live record only; returns 1 when set.</summary>
    public const string SetChainTokens = """
        if redis.call('HEXISTS', KEYS[1], 'b') == 0 then return 0 end
        redis.call('HSET', KEYS[1], 't', ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: the record. ARGV: how long a tombstone of a record Redis did not hold lives (ms). The tombstone keeps the
    /// record's remaining lifetime, or that grace when there was no record (the database's copy is deleted well within it).
    /// </summary>
    public const string Remove = """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl <= 0 then ttl = tonumber(ARGV[1]) end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'x', '1')
        redis.call('PEXPIRE', KEYS[1], ttl)
        return 1
        """;
}
