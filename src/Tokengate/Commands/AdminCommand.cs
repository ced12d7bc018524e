using System.CommandLine;
using System.Text.Json;

namespace Tokengate.Commands;

/// <summary>Runs one admin API call against the gateway on <c>--data</c> and prints its answer; exit code 1 on any failure.</summary>
internal static class AdminCommand
{
    public static async Task<int> RunAsync(
        ParseResult parse, Option<DirectoryInfo> data, HttpMethod method, string path, object? body, Func<JsonElement, string> render, CancellationToken cancellationToken)
    {
        using var client = await AdminClient.ConnectAsync(parse.GetValue(data)!, cancellationToken).ConfigureAwait(false);
        if (client is null) return 1;
        if (await client.SendAsync(method, path, body, cancellationToken).ConfigureAwait(false) is not { } answer) return 1;
        await Console.Out.WriteAsync(render(answer)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>A table with a header and one line per element of <c>data</c>, columns padded to their widest cell.</summary>
    public static string Table(JsonElement answer, params (string Header, string Property)[] columns)
    {
        var rows = answer.GetProperty("data").EnumerateArray().Select(e => columns.Select(c => Cell(e, c.Property)).ToArray()).ToList();
        if (rows.Count == 0) return "(none)\n";
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Join("  ", columns.Select((c, i) => c.Header.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return text.ToString();
    }

    public static string Cell(JsonElement element, string property) => element.TryGetProperty(property, out var value) ? value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(v => v.ToString())),
        _ => value.ToString(),
    } : "-";
}
