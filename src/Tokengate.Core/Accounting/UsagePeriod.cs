namespace Tokengate.Accounting;

/// <summary>The time buckets of a usage report (UTC).</summary>
public enum UsagePeriod
{
    /// <summary>One total over the whole range.</summary>
    Total,

    /// <summary>Per hour.</summary>
    Hour,

    /// <summary>Per day.</summary>
    Day,

    /// <summary>Per month.</summary>
    Month,
}
