namespace Tokengate.Configuration;

/// <summary>
/// Binds a pool to consumer groups as their own capacity for a deployment name every group calls
/// (<c>Tokengate:Pools:{pool}:DedicatedTo</c>): a consumer of one of <see cref="Groups"/> that calls
/// <see cref="Deployment"/> is served by this pool; everyone else by the shared pool of that name. Consumers of other
/// groups cannot call this pool by its own name either (it answers 404 to them, as if it did not exist).
/// </summary>
public sealed class PoolDedicationOptions
{
    /// <summary>
    /// The deployment name consumers call: the name or an alias of another pool (the shared pool), which must not be
    /// dedicated itself. Required.
    /// </summary>
    public string Deployment { get; set; } = "";

    /// <summary>The consumer groups this pool serves; at least one, and a group is bound once per deployment. Required.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>
    /// Whether a request this pool cannot take (every backend throttled, cooling or tried before any response was
    /// relayed) goes on to the shared pool's backends, within the same attempt budget. Default false: the consumer
    /// gets this pool's 429 or 503 with its <c>retry-after</c>.
    /// </summary>
    public bool Overflow { get; set; }

    /// <summary>
    /// The priority class an overflowing request runs at in the shared pool (a request already at a lower class keeps
    /// its own). Must be one of <c>Tokengate:Priority:Classes</c>. Default: the lowest class.
    /// </summary>
    public string? OverflowPriority { get; set; }
}
