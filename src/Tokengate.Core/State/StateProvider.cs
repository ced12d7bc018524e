namespace Tokengate.State;

/// <summary>Where the hot shared state (rate-limit counters, budget spend, reservations, backend health) lives.</summary>
public enum StateProvider
{
    /// <summary>In this process's memory; one instance (the default).</summary>
    InMemory,

    /// <summary>In a Redis server shared by every instance, with a local fallback while it is unreachable.</summary>
    Redis,
}
