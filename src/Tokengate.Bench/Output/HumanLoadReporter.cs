using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Tokengate.Bench.Stats;

namespace Tokengate.Bench.Output;

/// <summary>
/// A live table in an interactive terminal (the latest intervals, refreshed as each closes), one line per interval
/// otherwise, and a summary table at the end.
/// </summary>
internal sealed class HumanLoadReporter(IAnsiConsole console) : ILoadReporter
{
    private const int VisibleIntervals = 20;

    private readonly Table _intervals = new Table().Border(TableBorder.Simple).AddColumns(
        "time s", "ok rpm", "in flight", "done", "failed", "429", "context tpm", "gen tpm",
        "ttft p50/p95 ms", "tbt p50 ms", "e2e p50/p95/p99 ms", "gen tok avg", "util %");

    private LiveDisplayContext? _live;

    public async Task RunAsync(Func<Task> run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            await run().ConfigureAwait(false);
            return;
        }

        await console.Live(_intervals).StartAsync(async context =>
        {
            _live = context;
            await run().ConfigureAwait(false);
        }).ConfigureAwait(false);
        _live = null;
    }

    public void Interval(LoadReport report)
    {
        string[] cells =
        [
            F(report.ElapsedS, "0.0") + (report.Warmup ? " (warm-up)" : string.Empty), F(report.SuccessfulRpm, "0.#"),
            report.InFlight.ToString(CultureInfo.InvariantCulture), report.Completed.ToString(CultureInfo.InvariantCulture),
            report.Failures.ToString(CultureInfo.InvariantCulture), report.Throttled.ToString(CultureInfo.InvariantCulture),
            F(report.ContextTpm, "0"), F(report.GeneratedTpm, "0"),
            report.TtftMs is { } t ? $"{F(t.P50)}/{F(t.P95)}" : "-", report.TbtMs is { } b ? F(b.P50) : "-",
            report.E2eMs is { } e ? $"{F(e.P50)}/{F(e.P95)}/{F(e.P99)}" : "-",
            report.GeneratedTokens is { } g ? F(g.Avg, "0.#") : "-", report.UtilizationPct is { } u ? F(u.Avg, "0.#") : "-",
        ];
        if (_live is null)
        {
            console.WriteLine(string.Join("  ", cells));
            return;
        }

        if (_intervals.Rows.Count == VisibleIntervals)
        {
            _intervals.Rows.RemoveAt(0);
        }

        _intervals.AddRow(Array.ConvertAll(cells, static c => (IRenderable)new Text(c)));
        _live.Refresh();
    }

    public void Summary(LoadReport report)
    {
        var totals = new Grid().AddColumns(2)
            .AddRow("Measured seconds", F(report.WindowS, "0.0"))
            .AddRow("Requests started", report.Requests.ToString(CultureInfo.InvariantCulture))
            .AddRow("Successful RPM", F(report.SuccessfulRpm, "0.#"))
            .AddRow("Completed / failed / throttled (429)", $"{report.Completed} / {report.Failures} / {report.Throttled}")
            .AddRow("Context TPM", F(report.ContextTpm, "0"))
            .AddRow("Generated TPM", F(report.GeneratedTpm, "0"));
        var distributions = new Table().Border(TableBorder.Simple).AddColumns("", "avg", "p50", "p95", "p99", "min", "max", "count");
        AddRow(distributions, "time to first token, ms", report.TtftMs);
        AddRow(distributions, "time between tokens, ms", report.TbtMs);
        AddRow(distributions, "end to end, ms", report.E2eMs);
        AddRow(distributions, "generated tokens per response", report.GeneratedTokens);
        AddRow(distributions, "deployment utilization, %", report.UtilizationPct);
        console.Write(new Rows(new Rule("Summary").LeftJustified(), totals, distributions));
    }

    private static void AddRow(Table table, string name, DistributionRecord? d) =>
        table.AddRow(d is null
            ? [new Text(name), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("0")]
            : [new Text(name), new Text(F(d.Avg)), new Text(F(d.P50)), new Text(F(d.P95)), new Text(F(d.P99)), new Text(F(d.Min)), new Text(F(d.Max)),
               new Text(d.Count.ToString(CultureInfo.InvariantCulture))]);

    private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
