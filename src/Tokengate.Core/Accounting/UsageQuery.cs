namespace Tokengate.Accounting;

/// <summary>
/// A usage report's shape and filters; every filter optional and all of them combinable. <see cref="Limit"/> caps the
/// rows (over all periods) after <see cref="Order"/>.
/// </summary>
internal sealed record UsageQuery(
    UsageGrouping By = UsageGrouping.Consumer,
    UsagePeriod Period = UsagePeriod.Total,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Consumer = null,
    string? Group = null,
    string? Deployment = null,
    string? Model = null)
{
    public string? Priority { get; init; }
    public string? Backend { get; init; }
    public string? Pool { get; init; }
    public string? ServiceTier { get; init; }
    public string? Operation { get; init; }
    public UsageModality? Modality { get; init; }
    public UsageOrder Order { get; init; } = UsageOrder.Key;
    public int? Limit { get; init; }

    /// <summary>Sums per period only, whatever <see cref="By"/> says (key null): a series of totals.</summary>
    public bool Ungrouped { get; init; }
}
