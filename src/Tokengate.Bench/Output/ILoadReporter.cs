using Tokengate.Bench.Stats;

namespace Tokengate.Bench.Output;

/// <summary>Where a run's records go: a terminal view for people or JSON lines for machines.</summary>
internal interface ILoadReporter
{
    /// <summary>Runs <paramref name="run"/> inside whatever display the reporter keeps open for it.</summary>
    Task RunAsync(Func<Task> run);

    /// <summary>One aggregation interval has closed.</summary>
    void Interval(LoadReport report);

    /// <summary>The run has ended.</summary>
    void Summary(LoadReport report);
}
