namespace Tokengate.Configuration;

/// <summary>A budget's period, in UTC.</summary>
public enum BudgetPeriod
{
    /// <summary>From midnight UTC to the next.</summary>
    Daily,

    /// <summary>From the first of the month, midnight UTC, to the first of the next.</summary>
    Monthly,
}
