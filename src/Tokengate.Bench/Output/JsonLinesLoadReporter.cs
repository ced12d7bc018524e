using System.Text.Json;
using Tokengate.Bench.Stats;

namespace Tokengate.Bench.Output;

/// <summary>One JSON object per line: every interval, then the summary (<c>"type":"summary"</c>).</summary>
internal sealed class JsonLinesLoadReporter(TextWriter output) : ILoadReporter
{
    public Task RunAsync(Func<Task> run) => run();

    public void Interval(LoadReport report) => Write(report);

    public void Summary(LoadReport report) => Write(report);

    private void Write(LoadReport report)
    {
        output.WriteLine(JsonSerializer.Serialize(report, BenchJsonContext.Default.LoadReport));
        output.Flush();
    }
}
