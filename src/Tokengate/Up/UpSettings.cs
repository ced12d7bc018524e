namespace Tokengate.Up;

/// <summary>What <c>tokengate up</c> was asked for.</summary>
internal sealed record UpSettings(string Urls, string DataDirectory)
{
    /// <summary>Simulated latency; <c>false</c> makes the simulators answer at once (tests, benchmarks).</summary>
    public bool RealisticLatency { get; init; } = true;

    /// <summary>Only warnings and errors in the log.</summary>
    public bool Quiet { get; init; } = true;

    /// <summary>
    /// Addresses to serve TLS on as well, with the development certificate (<see cref="UpCertificate"/>); empty for
    /// none. Clients that connect over TLS only (realtime over <c>wss:</c>) use these.
    /// </summary>
    public string TlsUrls { get; init; } = "";

    /// <summary>A clock for tests; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
