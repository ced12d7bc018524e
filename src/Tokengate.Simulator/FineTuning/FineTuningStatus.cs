namespace Tokengate.Simulator.FineTuning;

/// <summary>The statuses of a fine-tuning job; <see cref="Paused"/> is Azure's addition.</summary>
internal enum FineTuningStatus
{
    ValidatingFiles,
    Queued,
    Running,
    Paused,
    Succeeded,
    Failed,
    Cancelled,
}
