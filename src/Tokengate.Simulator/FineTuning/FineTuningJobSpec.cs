using System.Text.Json;

namespace Tokengate.Simulator.FineTuning;

/// <summary>What a job was created with, resolved: files, hyperparameters, timings and the validation outcome to come.</summary>
internal sealed record FineTuningJobSpec(
    string Model,
    string TrainingFile,
    string? ValidationFile,
    string? Suffix,
    long Seed,
    string Method,
    int Epochs,
    int BatchSize,
    double LearningRateMultiplier,
    JsonElement? Metadata,
    TrainingData Training,
    TrainingData? Validation,
    TimeSpan ValidatingFiles,
    TimeSpan Queued,
    TimeSpan Running,
    bool FailInjected);
