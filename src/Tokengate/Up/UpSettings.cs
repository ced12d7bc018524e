namespace Tokengate.Up;

/// <summary>What <c>tokengate up</c> was asked for.</summary>
internal sealed record UpSettings(string Urls, string DataDirectory)
{
    /// <summary>Simulated latency; <c>false</c> makes the simulators answer at once (tests, benchmarks).</summary>
    public bool RealisticLatency { get; init; } = true;

    /// <summary>Only warnings and errors in the log.</summary>
    public bool Quiet { get; init; } = true;

    /// <summary>A clock for tests; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
