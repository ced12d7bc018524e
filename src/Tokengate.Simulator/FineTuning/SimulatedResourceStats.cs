namespace Tokengate.Simulator;

/// <summary>What the simulated resource holds beyond its deployments, and the resource-level faults still armed.</summary>
public sealed class SimulatedResourceStats
{
    /// <summary>Files held (expired ones are dropped when next listed).</summary>
    public int Files { get; init; }

    /// <summary>Uploads created, whatever their status.</summary>
    public int Uploads { get; init; }

    /// <summary>Fine-tuning jobs created.</summary>
    public int FineTuningJobs { get; init; }

    /// <summary>Batches created.</summary>
    public int Batches { get; init; }

    /// <summary>Calls to files, uploads or fine-tuning still armed to fail.</summary>
    public int PendingFailures { get; init; }

    /// <summary>Calls still armed to have their connection reset.</summary>
    public int PendingResets { get; init; }

    /// <summary>Fine-tuning jobs still armed to fail.</summary>
    public int PendingJobFailures { get; init; }

    /// <summary>Batch lines still armed to fail (taken by the next batch created).</summary>
    public int PendingBatchLineFailures { get; init; }
}
