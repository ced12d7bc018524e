using System.Collections.Frozen;
using Tokengate.Priority;

namespace Tokengate.Routing;

/// <summary>
/// A dedicated pool's binding: the shared pool whose deployment name it serves for <see cref="Groups"/>, and whether
/// a request it cannot take overflows to the shared pool, at which priority class.
/// </summary>
internal sealed class PoolDedication(Pool shared, FrozenSet<string> groups, bool overflow, PriorityClass overflowPriority)
{
    /// <summary>The pool everyone else gets for the same deployment name (and where overflow goes).</summary>
    public Pool Shared { get; } = shared;

    /// <summary>The consumer groups bound to the dedicated pool (case-insensitive).</summary>
    public FrozenSet<string> Groups { get; } = groups;

    public bool Overflow { get; } = overflow;

    /// <summary>The class an overflowing request runs at in the shared pool (never a raise).</summary>
    public PriorityClass OverflowPriority { get; } = overflowPriority;

    /// <summary>Whether a consumer of <paramref name="group"/> may use the dedicated pool.</summary>
    public bool Serves(string? group) => group is not null && Groups.Contains(group);
}
