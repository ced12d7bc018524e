namespace Tokengate.State;

/// <summary>The Redis server behind <see cref="StateProvider.Redis"/> (<c>Tokengate:State:Redis</c>).</summary>
public sealed class RedisStateOptions
{
    /// <summary>
    /// A secret reference (e.g. <c>env:TOKENGATE_REDIS</c>) to a StackExchange.Redis configuration string such as
    /// <c>redis.internal:6379,password=...,ssl=true</c>. Required with <see cref="StateProvider.Redis"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Prefix of every key and channel, so several gateways (or tests) can share one Redis server. Every instance of
    /// one gateway must use the same prefix. Default <c>tokengate:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "tokengate:";

    /// <summary>
    /// How long one Redis operation may take before the instance treats Redis as unreachable and uses its local
    /// fallback for that request. Default 1 second.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause between reconnection attempts while Redis is unreachable. Default 500 ms.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
