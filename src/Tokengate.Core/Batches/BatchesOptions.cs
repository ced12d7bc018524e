namespace Tokengate.Batches;

/// <summary>
/// The Batch API (<c>Tokengate:Batches</c>): which mode runs a batch, and how gateway-run batches use capacity.
/// </summary>
public sealed class BatchesOptions
{
    /// <summary>
    /// The mode of a batch whose pool names none in <see cref="Pools"/> and whose request names none in the
    /// <see cref="ModeHeader"/>. Default <see cref="BatchMode.Gateway"/>.
    /// </summary>
    public BatchMode DefaultMode { get; set; } = BatchMode.Gateway;

    /// <summary>The mode per pool (the deployment named by the lines' <c>model</c>). Default: none.</summary>
    public Dictionary<string, BatchMode> Pools { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request header that chooses the mode of one batch (<c>gateway</c> or <c>azure</c>). Default <c>x-tokengate-batch-mode</c>.</summary>
    public string ModeHeader { get; set; } = "x-tokengate-batch-mode";

    /// <summary>
    /// Gateway-run batches: a line starts only while a provisioned backend of its pool reports utilization below this
    /// percentage (it pauses while real-time traffic needs the capacity). Default 60.
    /// </summary>
    public double UtilizationThresholdPercent { get; set; } = 60;

    /// <summary>
    /// Gateway-run batches: lines run on provisioned backends only, until this long before the completion window ends;
    /// from then on they may also run on pay-as-you-go backends, so the batch finishes in time. Default 2 hours.
    /// A pool with no provisioned backend runs its lines on pay-as-you-go backends at any time.
    /// </summary>
    public TimeSpan PayAsYouGoBefore { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Gateway-run batches: the most lines one gateway instance starts per second, spread evenly. A line costs the
    /// gateway about as much CPU as a live request; the pace keeps batch work to a small share of the instance so live
    /// requests keep their latency. Default 50 (with <see cref="Concurrency"/> 4 and backends answering in under 80 ms,
    /// the pace, not the concurrency, bounds the rate). Raise it where the gateway has cores to spare.
    /// </summary>
    public int MaxLinesPerSecond { get; set; } = 50;

    /// <summary>Gateway-run batches: lines one gateway instance runs at once. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Gateway-run batches: how long a claimed line is an instance's own; a line whose instance stopped (or crashed)
    /// is taken up by any instance once its lease ends. Longer than the forwarding deadline. Default 10 minutes.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle runner looks for work and capacity. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gateway-run batches: how many times a line is tried when the gateway could not get an answer for it (every
    /// backend throttled or failing); after that it goes to the error file. Default 20.
    /// </summary>
    public int MaxLineAttempts { get; set; } = 20;

    /// <summary>
    /// Output tokens assumed per line when a batch's cost is estimated at creation (to refuse one that would pass a hard
    /// budget); the input is estimated from the file's size. Default 1,000.
    /// </summary>
    public int EstimatedOutputTokensPerLine { get; set; } = 1000;

    /// <summary>Price of batch work as a share of the standard price, for both modes. Default 0.5 (the service's batch discount).</summary>
    public decimal PriceMultiplier { get; set; } = 0.5m;

    /// <summary>Azure batches: the least time between two status calls to the backend for one batch. Default 60 seconds (the service's advice).</summary>
    public TimeSpan AzurePollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Completion windows a batch may ask for. Default <c>24h</c>.</summary>
    public List<string> CompletionWindows { get; set; } = [];

    /// <summary>The completion windows in force.</summary>
    internal IReadOnlyList<string> EffectiveCompletionWindows => CompletionWindows.Count > 0 ? CompletionWindows : ["24h"];
}
