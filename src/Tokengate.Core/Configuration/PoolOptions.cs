namespace Tokengate.Configuration;

/// <summary>A logical deployment: the backends that can serve it and how one is chosen.</summary>
public sealed class PoolOptions
{
    /// <summary>Other names consumers may use for this deployment. Default: none.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>
    /// The selection policy. Default and only built-in: <c>priority-weighted</c> (the lowest priority tier with an
    /// available backend, weighted random within the tier).
    /// </summary>
    public string SelectionPolicy { get; set; } = "priority-weighted";

    /// <summary>
    /// Utilization (percent, from the <c>azure-openai-deployment-utilization</c> header) at or above which a
    /// provisioned backend is skipped for new requests until a fresher reading is below it. Default 90.
    /// Set 0 to disable spillover before the 429.
    /// </summary>
    public double SpilloverUtilizationPercent { get; set; } = 90;

    /// <summary>
    /// Per priority class name, the provisioned utilization (percent) below which that class uses this pool's
    /// provisioned backends, overriding the class's <c>Tokengate:Priority:Policies:{class}:ProvisionedUtilizationPercent</c>.
    /// Default: none (the class's setting). 0 never skips a provisioned backend for the class.
    /// </summary>
    public Dictionary<string, double> ClassUtilizationPercent { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Makes this pool the dedicated capacity of some consumer groups for another pool's deployment name (see
    /// <see cref="PoolDedicationOptions"/>). Default: none (the pool serves everyone who may call it).
    /// </summary>
    public PoolDedicationOptions? DedicatedTo { get; set; }

    /// <summary>The backends, 1 to 64.</summary>
    public List<BackendOptions> Backends { get; set; } = [];
}
