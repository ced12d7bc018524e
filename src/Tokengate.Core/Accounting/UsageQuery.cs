namespace Tokengate.Accounting;

/// <summary>A usage report's shape and filters; every filter optional.</summary>
internal sealed record UsageQuery(
    UsageGrouping By = UsageGrouping.Consumer,
    UsagePeriod Period = UsagePeriod.Total,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Consumer = null,
    string? Group = null,
    string? Deployment = null,
    string? Model = null);
