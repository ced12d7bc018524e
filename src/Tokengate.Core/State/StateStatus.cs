namespace Tokengate.State;

/// <summary>Which state this instance uses right now; <c>/readyz</c> and the metrics read it.</summary>
internal sealed class StateStatus(StateProvider provider)
{
    public StateProvider Provider { get; } = provider;

    /// <summary>Set with the Redis provider, once it is connecting.</summary>
    public RedisConnection? Redis { get; set; }

    /// <summary>True while the Redis provider is configured but unreachable: limits, budgets and health are local.</summary>
    public bool Fallback => Provider == StateProvider.Redis && Redis is not { IsConnected: true };
}
