namespace Tokengate.Advice;

/// <summary>How PTUs are paid for.</summary>
public enum PtuBilling
{
    /// <summary>By the hour, no commitment.</summary>
    Hourly,

    /// <summary>A monthly reservation.</summary>
    MonthlyReservation,

    /// <summary>A yearly reservation (priced per month).</summary>
    YearlyReservation,
}
