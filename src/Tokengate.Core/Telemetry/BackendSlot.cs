namespace Tokengate.Telemetry;

/// <summary>One backend's figures in one 10-second bucket of the <see cref="MetricsTimeline"/>.</summary>
internal sealed class BackendSlot
{
    public string Pool = "";
    public long Requests;
    public long InputTokens;
    public long OutputTokens;
    public long Throttled;
    public long Failures;
    public long Spillovers;
    public double LatencySumMs;
    public long LatencyCount;
    public double TtftSumMs;
    public long TtftCount;
}
