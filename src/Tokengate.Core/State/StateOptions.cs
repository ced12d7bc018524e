namespace Tokengate.State;

/// <summary>
/// Where rate-limit counters, budget spend, reservations and backend health live (<c>Tokengate:State</c>): in memory for one
/// instance (default), or in Redis when several instances must act as one gateway. Read once at start.
/// </summary>
public sealed class StateOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:State";

    /// <summary><see cref="StateProvider.InMemory"/> (default) or <see cref="StateProvider.Redis"/>.</summary>
    public StateProvider Provider { get; set; } = StateProvider.InMemory;

    /// <summary>The Redis server; required with <see cref="StateProvider.Redis"/>.</summary>
    public RedisStateOptions Redis { get; set; } = new();

    /// <summary>
    /// How many instances share the limits and budgets. While Redis is unreachable each instance enforces every limit
    /// divided by this number (rounded down, at least 1), and admits against this share of what is left of each
    /// budget, so the fleet as a whole stays near the configured limits. Default 1.
    /// </summary>
    public int InstanceCount { get; set; } = 1;

    /// <summary>
    /// How long a request's concurrency hold and budget reservation may stay in Redis without being settled: an
    /// instance that dies mid-request leaves holds that expire after this. Must exceed the longest request (the forwarding deadline). Default 10 minutes.
    /// </summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
