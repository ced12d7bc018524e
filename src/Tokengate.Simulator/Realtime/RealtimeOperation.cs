using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Realtime;

/// <summary>The realtime connect as a data-plane operation, for the shared fault and admission steps.</summary>
internal static class RealtimeOperation
{
    /// <summary>The operation name in 429 texts is not documented for realtime; <c>Realtime</c> is the simulator's choice.</summary>
    public static readonly SimulatedOperation Instance = new(ModelKind.Realtime, "Realtime", "realtime");
}
