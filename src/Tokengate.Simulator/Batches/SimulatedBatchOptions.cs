namespace Tokengate.Simulator;

/// <summary>
/// Batch jobs of the simulated resource: how long each step takes on the simulator's clock. Bindable as
/// <c>Simulator:Batches</c>; <c>tokengate up --no-latency</c> sets every duration to 0.
/// </summary>
public sealed class SimulatedBatchOptions
{
    /// <summary>How long a batch stays <c>validating</c> before its lines are checked. Default 2,000 ms.</summary>
    public int ValidatingMs { get; set; } = 2_000;

    /// <summary>
    /// How long a batch stays <c>in_progress</c>, split evenly between its lines (line i of n is answered at
    /// i/n of it). Longer than the 24 h completion window, the batch ends <c>expired</c>. Default 2,000 ms.
    /// </summary>
    public int InProgressMs { get; set; } = 2_000;

    /// <summary>How long a batch stays <c>finalizing</c> (and a cancelled one <c>cancelling</c>). Default 1,000 ms.</summary>
    public int FinalizingMs { get; set; } = 1_000;
}
