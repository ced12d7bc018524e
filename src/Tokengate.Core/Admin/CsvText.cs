using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Admin;

/// <summary>
/// CSV as RFC 4180 writes it (CRLF line ends; a field with a comma, quote, CR or LF in double quotes, quotes doubled),
/// safe to open in a spreadsheet: a text cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR is
/// prefixed with <c>'</c>, so a consumer named <c>=cmd|' /C calc'!A0</c> stays text (CSV injection). Numbers are
/// written as they are (never negative here).
/// </summary>
internal static class CsvText
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>A text cell, neutralized against formula injection (null: empty).</summary>
    public static string Text(string? value) =>
        string.IsNullOrEmpty(value) ? "" : value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    /// <summary>One record: the fields quoted where RFC 4180 requires, then CRLF.</summary>
    public static void AppendLine(StringBuilder csv, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) csv.Append(',');
            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") < 0) csv.Append(field);
            else csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        csv.Append("\r\n");
    }

    /// <summary>The CSV as a download named <paramref name="fileName"/>.</summary>
    public static IResult Attachment(HttpContext context, StringBuilder csv, string fileName)
    {
        context.Response.Headers.ContentDisposition = $"attachment; filename={fileName}";
        return Results.Text(csv.ToString(), ContentType);
    }
}
