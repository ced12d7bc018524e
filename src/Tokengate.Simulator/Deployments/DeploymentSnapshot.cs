namespace Tokengate.Simulator.Deployments;

/// <summary>
/// Immutable-by-convention settings of a deployment: replaced whole on update, never mutated, so a request reads one
/// consistent version without locking.
/// </summary>
internal sealed record DeploymentSnapshot(SimulatedDeploymentOptions Options, ModelInfo Model)
{
    public double CapacityPerMinute => (double)Options.ProvisionedThroughputUnits * Options.TokensPerPtuPerMinute;

    public bool IsProvisioned => Options.Type == SimulatedDeploymentType.Provisioned;

    /// <summary>A Global-Batch or Data Zone Batch deployment: batches only, no live calls.</summary>
    public bool IsBatch => Options.Type is SimulatedDeploymentType.GlobalBatch or SimulatedDeploymentType.DataZoneBatch;
}
