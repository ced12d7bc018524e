namespace Tokengate.Accounting;

/// <summary>
/// The Lua scripts of <see cref="RedisBudgetStore"/>; each runs atomically on the Redis server. Every budget and period
/// has two keys: <c>{prefix}budget:{budget key}:{period start}</c>, a hash with <c>spent</c>, <c>reserved</c>, one
/// <c>r:{reservation id}</c> field per reservation in flight (its amount) and one <c>f{percent}</c> field per alert
/// threshold already fired; and <c>…:holds</c>, a sorted set of the reservation ids scored by when they expire, so the
/// reservations of an instance that died mid-request are dropped by the next admission. Amounts are whole units:
/// nano-USD or tokens (Lua numbers are doubles, exact up to 2^53: 9 million USD or 9·10^15 tokens a period).
/// <para>
/// <c>{prefix}budget:epoch</c> (no expiry) is set when the budgets are seeded from the ledger. Admissions and settles
/// refuse to run without it, so after Redis lost its data (a restart without persistence) no request counts from zero
/// before the spend is seeded again, and an instance can tell that Redis is not the one it left.
/// </para>
/// </summary>
internal static class RedisBudgetScripts
{
    /// <summary>
    /// KEYS: epoch, then hash and holds per budget. ARGV: now (ms), reservation id, its expiry (ms), then per budget:
    /// amount, 1 to block when spent (0 to throttle), the estimate, when the keys expire (ms). Checks every budget first
    /// (spent plus reserved below the amount), then reserves the estimate in all of them. Returns {1, -1, then spent,
    /// reserved (with this estimate), 1 when spent (throttle) else 0, per budget}, {0, blocking budget index (0-based),
    /// its spent, its reserved}, or {-1} when the budgets are not seeded.
    /// </summary>
    public const string Admit = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
        local nowms = tonumber(ARGV[1])
        local id = ARGV[2]
        local n = (#KEYS - 1) / 2

        -- Drops the reservations whose hold expired and returns what is still reserved.
        local function live(hash, holds)
          local expired = redis.call('ZRANGEBYSCORE', holds, '-inf', nowms)
          if #expired > 0 then
            local released = 0
            for _, rid in ipairs(expired) do
              local field = 'r:' .. rid
              released = released + tonumber(redis.call('HGET', hash, field) or '0')
              redis.call('HDEL', hash, field)
            end
            redis.call('ZREMRANGEBYSCORE', holds, '-inf', nowms)
            if released ~= 0 and redis.call('HINCRBY', hash, 'reserved', -released) < 0 then redis.call('HSET', hash, 'reserved', 0) end
          end
          return tonumber(redis.call('HGET', hash, 'reserved') or '0')
        end

        local spent, reserved, over = {}, {}, {}
        for i = 0, n - 1 do
          local hash = KEYS[i * 2 + 2]
          local amount = tonumber(ARGV[4 + i * 4])
          spent[i] = tonumber(redis.call('HGET', hash, 'spent') or '0')
          reserved[i] = live(hash, KEYS[i * 2 + 3])
          over[i] = 0
          if spent[i] + reserved[i] >= amount then
            if ARGV[5 + i * 4] == '1' then return {0, i, spent[i], reserved[i]} end
            over[i] = 1
          end
        end

        local result = {1, -1}
        for i = 0, n - 1 do
          local hash, holds = KEYS[i * 2 + 2], KEYS[i * 2 + 3]
          local estimate = tonumber(ARGV[6 + i * 4])
          local expireat = ARGV[7 + i * 4]
          redis.call('HINCRBY', hash, 'reserved', estimate)
          redis.call('HSET', hash, 'r:' .. id, estimate)
          redis.call('ZADD', holds, ARGV[3], id)
          redis.call('PEXPIREAT', hash, expireat)
          redis.call('PEXPIREAT', holds, expireat)
          result[#result + 1] = spent[i]
          result[#result + 1] = reserved[i] + estimate
          result[#result + 1] = over[i]
        end
        return result
        """;

    /// <summary>
    /// KEYS: epoch, then per budget the hash and holds of the reservation's period and the hash of the current period.
    /// ARGV: reservation id, then per budget: spend to add, when the current keys expire (ms), the number of thresholds
    /// k, then k pairs of percent and the spend at which it fires. Releases the reservation (if it is still held), adds
    /// the spend to the current period and marks each threshold reached for the first time. Returns {1, then per budget
    /// {spent, reserved, percents this call crossed...}} (only the caller that crossed a threshold gets it back), or
    /// {-1} when the budgets are not seeded (nothing changed).
    /// </summary>
    public const string Settle = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
        local id = ARGV[1]
        local field = 'r:' .. id
        local a = 2
        local result = {1}
        for i = 0, (#KEYS - 1) / 3 - 1 do
          local holdhash, holds, hash = KEYS[i * 3 + 2], KEYS[i * 3 + 3], KEYS[i * 3 + 4]
          local held = redis.call('HGET', holdhash, field)
          if held then
            redis.call('HDEL', holdhash, field)
            if redis.call('HINCRBY', holdhash, 'reserved', -tonumber(held)) < 0 then redis.call('HSET', holdhash, 'reserved', 0) end
          end
          redis.call('ZREM', holds, id)

          local add, expireat, k = tonumber(ARGV[a]), ARGV[a + 1], tonumber(ARGV[a + 2])
          a = a + 3
          local spent
          if add ~= 0 then
            spent = redis.call('HINCRBY', hash, 'spent', add)
            redis.call('PEXPIREAT', hash, expireat)
          else
            spent = tonumber(redis.call('HGET', hash, 'spent') or '0')
          end
          local entry = {spent, tonumber(redis.call('HGET', hash, 'reserved') or '0')}
          for _ = 1, k do
            local percent, at = ARGV[a], tonumber(ARGV[a + 1])
            a = a + 2
            if spent >= at and redis.call('HSETNX', hash, 'f' .. percent, 1) == 1 then entry[#entry + 1] = tonumber(percent) end
          end
          result[#result + 1] = entry
        end
        return result
        """;

    /// <summary>
    /// KEYS: epoch, then the hash of each budget's current period. ARGV: a new epoch, then per budget: spent (from the
    /// ledger), when the key expires (ms), the number of fired thresholds k, then those k percents. Sets each
    /// <c>spent</c> only if absent (the first instance seeds; later ones keep the live value), marks the fired
    /// thresholds, and sets the epoch if absent. Returns {epoch, then 1 if it set spent else 0, spent now, per budget}.
    /// </summary>
    public const string Seed = """
        local result = {false}
        local a = 2
        for i = 2, #KEYS do
          local set = redis.call('HSETNX', KEYS[i], 'spent', ARGV[a])
          local k = tonumber(ARGV[a + 2])
          for j = 1, k do redis.call('HSET', KEYS[i], 'f' .. ARGV[a + 2 + j], 1) end
          redis.call('PEXPIREAT', KEYS[i], ARGV[a + 1])
          a = a + 3 + k
          result[#result + 1] = set
          result[#result + 1] = tonumber(redis.call('HGET', KEYS[i], 'spent'))
        end
        redis.call('SET', KEYS[1], ARGV[1], 'NX')
        result[1] = redis.call('GET', KEYS[1])
        return result
        """;
}
