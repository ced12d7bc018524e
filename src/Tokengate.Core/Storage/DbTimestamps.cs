using System.Data.Common;
using System.Globalization;

namespace Tokengate.Storage;

/// <summary>
/// How times are stored, the same for every feature: fixed-width ISO-8601 text in UTC on SQLite (sorts and compares
/// correctly as text), <c>timestamptz</c> on PostgreSQL. Both take a UTC <see cref="DateTime"/> parameter.
/// </summary>
internal static class DbTimestamps
{
    public static object ToDb(DateTimeOffset at, DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
        : at.UtcDateTime;

    public static DateTimeOffset Read(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        var other => throw new InvalidOperationException($"Unexpected timestamp type {other.GetType()}"),
    };

    public static DateTimeOffset? ReadNullable(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Read(reader, ordinal);
}
