namespace Tokengate.Simulator.Limits;

/// <summary>
/// Outcome of admission. For Standard deployments the limit/remaining fields feed the <c>x-ratelimit-*</c> headers;
/// for Provisioned ones <see cref="UtilizationPercent"/> feeds <c>azure-openai-deployment-utilization</c>.
/// </summary>
internal readonly record struct AdmissionResult(
    ThrottleReason Reason,
    TimeSpan RetryAfter,
    int LimitRequests,
    int RemainingRequests,
    int LimitTokens,
    int RemainingTokens,
    double UtilizationPercent)
{
    public bool Admitted => Reason == ThrottleReason.None;
}
