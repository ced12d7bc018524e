namespace Tokengate.Simulator;

/// <summary>
/// Files, uploads and fine-tuning jobs of the simulated resource: how long each step takes on the simulator's clock
/// and which base models can be fine-tuned. Bindable as <c>Simulator:FineTuning</c>.
/// </summary>
public sealed class SimulatedFineTuningOptions
{
    /// <summary>
    /// How long a <c>fine-tune</c> file stays <c>pending</c> before it is <c>processed</c> (or <c>error</c> when it is
    /// not valid JSONL). Files of other purposes are <c>processed</c> at once. Default 1,000 ms; 0 processes at once.
    /// </summary>
    public int FileProcessingMs { get; set; } = 1_000;

    /// <summary>How long a job stays <c>validating_files</c>. Default 2,000 ms.</summary>
    public int ValidatingFilesMs { get; set; } = 2_000;

    /// <summary>How long a job stays <c>queued</c>. Default 2,000 ms.</summary>
    public int QueuedMs { get; set; } = 2_000;

    /// <summary>
    /// How long a job stays <c>running</c> (time spent <c>paused</c> does not count), split evenly between its
    /// epochs. Default 2,000 ms.
    /// </summary>
    public int RunningMs { get; set; } = 2_000;

    /// <summary>Epochs of a job whose <c>n_epochs</c> is <c>auto</c> or absent. Default 3.</summary>
    public int DefaultEpochs { get; set; } = 3;

    /// <summary>The fewest examples a training file must hold, as the service requires. Default 10.</summary>
    public int MinTrainingExamples { get; set; } = 10;

    /// <summary>
    /// Whether a succeeded job's model is deployed at once as a Standard chat deployment named after the model
    /// (<c>fine_tuned_model</c>), so that chat calls can reach it. The service needs a separate deployment step
    /// through the management plane; this stands in for it. Default true.
    /// </summary>
    public bool DeployFineTunedModels { get; set; } = true;

    /// <summary>
    /// Base models this resource fine-tunes (case-insensitive). A succeeded job's <c>fine_tuned_model</c> can be
    /// fine-tuned further as well. Default: the Azure fine-tunable models of 2025, by versioned and plain name.
    /// </summary>
    public List<string> BaseModels { get; set; } =
    [
        "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4o",
        "gpt-4.1-2025-04-14", "gpt-4.1", "gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", "gpt-4.1-nano-2025-04-14", "gpt-4.1-nano",
        "gpt-35-turbo-0125", "gpt-35-turbo-1106", "o4-mini-2025-04-16", "o4-mini",
    ];
}
