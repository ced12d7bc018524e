using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.State;

/// <summary>The shared-state instruments, on the gateway's one meter (<see cref="GatewayMetrics.Meter"/>).</summary>
internal sealed class StateMetrics
{
    public StateMetrics(GatewayMetrics metrics, StateStatus status)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("tokengate.state.fallback", () => status.Fallback ? 1 : 0,
            description: "1 while this instance enforces limits, budgets and health locally because the shared state (Redis) is unreachable, else 0.");
        Fallbacks = meter.CreateCounter<long>("tokengate.state.fallbacks", description: "Times this instance lost the shared state (Redis) and fell back to local state.");
        Errors = meter.CreateCounter<long>("tokengate.state.errors", description: "Shared-state operations that failed or timed out and were served from local state instead.");
    }

    public Counter<long> Fallbacks { get; }

    public Counter<long> Errors { get; }
}
