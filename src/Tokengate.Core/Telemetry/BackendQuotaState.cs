namespace Tokengate.Telemetry;

/// <summary>
/// The last rate-limit position one backend reported in its <c>x-ratelimit-*</c> headers. Fields are read and
/// written with interlocked operations only; -1 means "never reported".
/// </summary>
internal sealed class BackendQuotaState
{
    public long LimitTokens = -1;
    public long RemainingTokens = -1;
    public long LimitRequests = -1;
    public long RemainingRequests = -1;
    public long ReportedAtTicks;

    /// <summary>Remaining tokens as a percentage of the limit, or null when the backend never said.</summary>
    public double? RemainingTokensPercent
    {
        get
        {
            var limit = Interlocked.Read(ref LimitTokens);
            var remaining = Interlocked.Read(ref RemainingTokens);
            return limit > 0 && remaining >= 0 ? 100.0 * remaining / limit : null;
        }
    }
}
