namespace Tokengate.Telemetry;

/// <summary>One backend's per-bucket figures as the metrics API returns them (counts per 10 s; averages or null).</summary>
internal sealed class BackendSeries
{
    public List<long> Requests { get; } = [];
    public List<long> Tokens { get; } = [];
    public List<long> Throttled { get; } = [];
    public List<long> Spillovers { get; } = [];
    public List<long> Failures { get; } = [];
    public List<double?> LatencyMs { get; } = [];
    public List<double?> TtftMs { get; } = [];

    public void Grow()
    {
        Requests.Add(0);
        Tokens.Add(0);
        Throttled.Add(0);
        Spillovers.Add(0);
        Failures.Add(0);
        LatencyMs.Add(null);
        TtftMs.Add(null);
    }

    public void Set(int i, BackendSlot s)
    {
        Requests[i] = s.Requests;
        Tokens[i] = s.InputTokens + s.OutputTokens;
        Throttled[i] = s.Throttled;
        Spillovers[i] = s.Spillovers;
        Failures[i] = s.Failures;
        LatencyMs[i] = s.LatencyCount == 0 ? null : Math.Round(s.LatencySumMs / s.LatencyCount, 1);
        TtftMs[i] = s.TtftCount == 0 ? null : Math.Round(s.TtftSumMs / s.TtftCount, 1);
    }
}
