namespace Tokengate.Telemetry;

/// <summary>One consumer's figures in one 10-second bucket of the <see cref="MetricsTimeline"/>.</summary>
internal sealed class ConsumerSlot
{
    public string Group = "";
    public long Requests;
    public long Tokens;
    public decimal CostUsd;
    public long Rejections;
}
