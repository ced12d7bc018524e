namespace Tokengate.Simulator.Batches;

/// <summary>The statuses of a batch, as the service names them in snake case.</summary>
internal enum BatchStatus
{
    Validating,
    Failed,
    InProgress,
    Finalizing,
    Completed,
    Expired,
    Cancelling,
    Cancelled,
}
