using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Limits;

namespace Tokengate.Simulator.Realtime;

/// <summary>Everything a response streams from, fixed when it is admitted.</summary>
/// <param name="Choice">The answer: text (spoken as audio when <paramref name="Audio"/>) or a function call.</param>
/// <param name="Audio">Whether the answer is audio with a transcript rather than text.</param>
/// <param name="InputTextTokens">Instructions, function definitions and every text in the conversation.</param>
/// <param name="InputAudioTokens">Every audio part in the conversation, at ceil(seconds × 10) each.</param>
/// <param name="Snapshot">The deployment settings the response runs under (latency, faults, limits).</param>
/// <param name="AdmittedEstimate">Provisioned: what admission added to the bucket, corrected when it ends.</param>
/// <param name="CutAfter">Set when an injected fault cuts the socket after this many deltas.</param>
/// <param name="PreviousItemId">The item before the response's item in the conversation.</param>
/// <param name="Admission">The limiter's answer, reported in <c>rate_limits.updated</c>.</param>
internal sealed record RealtimeResponsePlan(
    GeneratedChoice Choice,
    bool Audio,
    int InputTextTokens,
    int InputAudioTokens,
    DeploymentSnapshot Snapshot,
    double AdmittedEstimate,
    int? CutAfter,
    string? PreviousItemId,
    AdmissionResult Admission);
