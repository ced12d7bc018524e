using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>How ledger money is stored: integer nano-dollars, so sums are exact on both engines (times: <see cref="DbTimestamps"/>).</summary>
internal static class UsageTime
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    public static long ToNanoUsd(decimal usd) => (long)Math.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal FromNanoUsd(long nanos) => nanos / NanosPerDollar;

    /// <summary>Seconds of audio as whole milliseconds (rounded), the ledger's unit.</summary>
    public static long ToMilliseconds(double seconds) => (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero);
}
