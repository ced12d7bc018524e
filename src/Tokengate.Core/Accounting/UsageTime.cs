using System.Globalization;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>How ledger values are stored: times as sortable ISO text on SQLite and timestamptz on PostgreSQL, money as integer nano-dollars.</summary>
internal static class UsageTime
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    public static object ToDb(DateTimeOffset at, DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
        : at.UtcDateTime;

    public static long ToNanoUsd(decimal usd) => (long)Math.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal FromNanoUsd(long nanos) => nanos / NanosPerDollar;
}
