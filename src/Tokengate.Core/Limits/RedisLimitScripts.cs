namespace Tokengate.Limits;

/// <summary>
/// The Lua scripts of <see cref="RedisLimitStore"/>; each runs atomically on the Redis server. Every scope has three
/// keys: <c>…:t</c> and <c>…:r</c>, hashes of tokens and requests per Unix second (the same sliding 60-second window
/// of one-second slots as <see cref="SlidingWindowCounter"/>), and <c>…:f</c>, a sorted set of the requests in flight
/// scored by when their hold expires, so holds of an instance that died mid-request lapse by themselves.
/// </summary>
internal static class RedisLimitScripts
{
    /// <summary>
    /// KEYS: t, r, f per scope. ARGV: now (s), now (ms), tokens, request id, hold expiry (ms), lifetime (ms), then
    /// TPM, RPM, concurrency per scope (-1: no limit). Returns {1, tokens left, requests left} for the first scope
    /// (-1: no such limit), or {0, refusing scope index (0-based), kind (0 TPM, 1 RPM, 2 concurrency), seconds until it fits (-1: never)}.
    /// </summary>
    public const string Reserve = """
        local now = tonumber(ARGV[1])
        local nowms = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local n = #KEYS / 3

        -- The slots still in the window, oldest first; drops the ones that left it. A slot of a later second than
        -- this caller's is usage too: another instance (or a request that read the clock a moment later) charged it
        -- before this script ran, and leaving it out let a burst across a second's boundary past the limit.
        local function slots(key)
          local all = redis.call('HGETALL', key)
          local list = {}
          for i = 1, #all, 2 do
            local s = tonumber(all[i])
            if s <= now - 60 then redis.call('HDEL', key, all[i])
            else list[#list + 1] = {s, tonumber(all[i + 1])} end
          end
          table.sort(list, function(a, b) return a[1] < b[1] end)
          return list
        end
        local function total(list)
          local sum = 0
          for _, v in ipairs(list) do sum = sum + v[2] end
          return sum
        end
        local function untilfits(list, amount, limit)
          if amount > limit then return -1 end
          local used = total(list)
          for _, v in ipairs(list) do
            used = used - v[2]
            if used + amount <= limit then return v[1] + 60 - now end
          end
          return 60
        end

        local used = {}
        for i = 0, n - 1 do
          local tpm = tonumber(ARGV[7 + i * 3])
          local rpm = tonumber(ARGV[8 + i * 3])
          local conc = tonumber(ARGV[9 + i * 3])
          local f = KEYS[i * 3 + 3]
          redis.call('ZREMRANGEBYSCORE', f, '-inf', nowms)
          if conc >= 0 and redis.call('ZCARD', f) + 1 > conc then return {0, i, 2, 1} end
          local requests = slots(KEYS[i * 3 + 2])
          if rpm >= 0 and total(requests) + 1 > rpm then return {0, i, 1, untilfits(requests, 1, rpm)} end
          local tokens = slots(KEYS[i * 3 + 1])
          if tpm >= 0 and total(tokens) + cost > tpm then return {0, i, 0, untilfits(tokens, cost, tpm)} end
          used[i] = {total(tokens), total(requests)}
        end

        for i = 0, n - 1 do
          local t, r, f = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
          redis.call('HINCRBY', t, now, cost)
          redis.call('HINCRBY', r, now, 1)
          redis.call('PEXPIRE', t, 61000)
          redis.call('PEXPIRE', r, 61000)
          redis.call('ZADD', f, ARGV[5], ARGV[4])
          redis.call('PEXPIRE', f, ARGV[6])
        end

        local tpm, rpm = tonumber(ARGV[7]), tonumber(ARGV[8])
        local tokensLeft, requestsLeft = -1, -1
        if n > 0 and tpm >= 0 then tokensLeft = math.max(0, tpm - used[0][1] - cost) end
        if n > 0 and rpm >= 0 then requestsLeft = math.max(0, rpm - used[0][2] - 1) end
        return {1, tokensLeft, requestsLeft}
        """;

    /// <summary>
    /// KEYS: t, r, f per scope. ARGV: the reservation's second, now (s), token correction, request correction, request
    /// id. Corrects the slot the reservation was charged to while it is still in the window, and ends the hold.
    /// </summary>
    public const string Return = """
        local second = ARGV[1]
        local inwindow = tonumber(second) > tonumber(ARGV[2]) - 60
        local dt, dr = tonumber(ARGV[3]), tonumber(ARGV[4])
        local function correct(key, delta)
          if delta == 0 or not inwindow or redis.call('HEXISTS', key, second) == 0 then return end
          if redis.call('HINCRBY', key, second, delta) < 0 then redis.call('HSET', key, second, 0) end
        end
        for i = 0, #KEYS / 3 - 1 do
          correct(KEYS[i * 3 + 1], dt)
          correct(KEYS[i * 3 + 2], dr)
          redis.call('ZREM', KEYS[i * 3 + 3], ARGV[5])
        end
        return 1
        """;
}
