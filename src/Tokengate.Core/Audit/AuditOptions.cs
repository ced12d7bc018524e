namespace Tokengate.Audit;

/// <summary>
/// How audit records of failures are bounded (<c>Tokengate:Audit</c>): refused credentials and denied calls, on the
/// admin API and the model routes, are aggregated into one record per action, actor, client address and reason per
/// <see cref="FailureInterval"/>, with a count, and written off the request path. Read once at start.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Audit";

    /// <summary>
    /// The aggregation interval: repeats of the same failure within it become one record (and one log line) with
    /// their count, written when the interval ends or the gateway stops. Default 1 minute; 1 second to 1 hour.
    /// </summary>
    public TimeSpan FailureInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most failure records per interval. Failures that would add a record past it are counted in one record per
    /// action with actor <c>(various)</c> and no address instead, so a flood from many addresses adds at most this many
    /// records (plus one per action) per interval. Default 1000; 1 to 100000.
    /// </summary>
    public int MaxFailureRecordsPerInterval { get; set; } = 1000;

    /// <summary>
    /// Failures waiting for the writer, at most; past it new ones are dropped and counted in
    /// <c>tokengate.audit.failures_dropped</c>. Default 10000; 100 to 1000000.
    /// </summary>
    public int FailureQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Longest text one field of a failure record may take from the request (path, user agent, reason); longer text is
    /// cut there and marked with <c>…[+N]</c> (N characters cut), and control characters become <c>?</c>.
    /// Default 256; 16 to 4096.
    /// </summary>
    public int MaxFieldLength { get; set; } = 256;
}
