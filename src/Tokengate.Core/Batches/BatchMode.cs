namespace Tokengate.Batches;

/// <summary>Who runs a batch's lines.</summary>
public enum BatchMode
{
    /// <summary>The gateway itself, through admission and forwarding at the lowest priority class, on idle provisioned capacity.</summary>
    Gateway,

    /// <summary>A Global or Data Zone Batch deployment of the pool, to which the batch is forwarded.</summary>
    Azure,
}
