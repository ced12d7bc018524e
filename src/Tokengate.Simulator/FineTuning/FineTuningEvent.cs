namespace Tokengate.Simulator.FineTuning;

/// <summary>One <c>fine_tuning.job.event</c>: a message, or (type <c>metrics</c>) an epoch's numbers in <see cref="Metrics"/>.</summary>
internal sealed record FineTuningEvent(string Id, long CreatedTicks, string Level, string Message, FineTuningMetrics? Metrics);

/// <summary>Training numbers at a step.</summary>
internal sealed record FineTuningMetrics(int Step, int TotalSteps, double TrainLoss, double TrainAccuracy, double? ValidLoss, double? ValidAccuracy);

/// <summary>One <c>fine_tuning.job.checkpoint</c>, kept at the end of an epoch.</summary>
internal sealed record FineTuningCheckpoint(string Id, long CreatedTicks, string Model, int StepNumber, FineTuningMetrics Metrics);
