namespace Tokengate.Advice;

/// <summary>Utilization of a provisioned backend in one hour of day (0–23, UTC) or day of week, 0 to 1.</summary>
internal sealed record UtilizationBucket(string Bucket, double Utilization);
