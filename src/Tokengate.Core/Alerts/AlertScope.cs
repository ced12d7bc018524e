namespace Tokengate.Alerts;

/// <summary>Whether a rule watches each backend or each pool (the pool's backends taken together).</summary>
public enum AlertScope
{
    /// <summary>Each backend on its own.</summary>
    Backend,

    /// <summary>Each pool: mean utilization of its backends; remaining tokens summed against their limits summed.</summary>
    Pool,
}
