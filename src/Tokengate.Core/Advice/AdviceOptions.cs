namespace Tokengate.Advice;

/// <summary>
/// <c>Tokengate:Advice</c>: the figures <c>tokengate advise</c> and <c>GET /admin/advice</c> size provisioned throughput
/// with. Every number here is an input to replace with your own price sheet and Azure's current sizing table.
/// </summary>
public sealed class AdviceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tokengate:Advice";

    /// <summary>
    /// The percentile of minutes the PTUs should carry without spilling over, 50 to 100. Default 95: the 95th
    /// busiest-but-not-busiest minute of the period (minutes without traffic count as zero).
    /// </summary>
    public double Percentile { get; set; } = 95;

    /// <summary>
    /// Throughput of one PTU per model, by longest model-name prefix. Defaults (from Azure's "provisioned throughput
    /// sizing" deployment-parameters table, learn.microsoft.com, to re-check): gpt-4o 2,500 input tokens per minute
    /// per PTU, gpt-4o-mini 37,000, gpt-4.1 3,000, gpt-4.1-mini 14,900, gpt-4.1-nano 59,400; each counting an output
    /// token as 4 input tokens; minimum 15 PTUs and increments of 5 (global and data-zone deployments). An entry given
    /// here replaces the built-in one of the same name.
    /// </summary>
    public Dictionary<string, PtuModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Pay-as-you-go price of one PTU for one hour, USD. Default 1.00 (Global Provisioned list price, an example).</summary>
    public decimal PtuHourlyUsd { get; set; } = 1.00m;

    /// <summary>Price of one PTU for one month with a monthly reservation, USD. Default 260 (an example to replace).</summary>
    public decimal PtuMonthlyReservationUsd { get; set; } = 260m;

    /// <summary>Price of one PTU per month with a yearly reservation, USD. Default 221 (an example to replace).</summary>
    public decimal PtuYearlyReservationUsd { get; set; } = 221m;

    /// <summary>How the provisioned backends you already run are paid for, to price their idle capacity. Default <see cref="PtuBilling.MonthlyReservation"/>.</summary>
    public PtuBilling ProvisionedBilling { get; set; } = PtuBilling.MonthlyReservation;

    /// <summary>
    /// PTUs deployed on each provisioned backend, by backend name. A provisioned backend not named here is sized from its
    /// <c>ProvisionedTokensPerMinute</c> divided by its model's tokens per minute per PTU; with neither it is skipped.
    /// </summary>
    public Dictionary<string, int> ProvisionedUnits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>PTU is recommended only when it saves at least this share of the all-PAYG cost, 0 to 100 percent. Default 10.</summary>
    public double MinimumSavingPercent { get; set; } = 10;

    /// <summary>An hour of day whose utilization of a provisioned backend is below this percentage is reported as idle capacity for batch and low-priority work, 0 to 100. Default 50.</summary>
    public double IdleHourPercent { get; set; } = 50;

    /// <summary>
    /// The next cheaper model of each model's family, by model name (matched as the longest name here, keys and values
    /// alike, that begins the ledger's model, so <c>gpt-4o-mini-2024-07-18</c> is gpt-4o-mini, not gpt-4o). Defaults:
    /// gpt-4o → gpt-4o-mini, gpt-4.1 → gpt-4.1-mini, gpt-4.1-mini → gpt-4.1-nano, gpt-5 → gpt-5-mini. An entry given
    /// here replaces the built-in one of the same name. A cheaper model without a price in the price table is skipped.
    /// </summary>
    public Dictionary<string, string> CheaperModels { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = "gpt-4o-mini",
        ["gpt-4.1"] = "gpt-4.1-mini",
        ["gpt-4.1-mini"] = "gpt-4.1-nano",
        ["gpt-5"] = "gpt-5-mini",
    };

    /// <summary>A cheaper model is listed only when the same tokens on it save more than this many USD a month. Default 10.</summary>
    public decimal MinimumModelSavingUsd { get; set; } = 10m;

    /// <summary>
    /// Another deployment on the cheaper model counts as serving similar requests when its mean prompt and mean
    /// completion tokens are each within this percentage of the consumer's, 0 to 1000. Default 50.
    /// </summary>
    public double SimilarShapePercent { get; set; } = 50;

    /// <summary>Prompt caching is reported for a consumer and deployment with at least this many successful requests in the period. Default 100.</summary>
    public int CachingMinimumRequests { get; set; } = 100;

    /// <summary>Caching advice is given only when the mean prompt has at least this many tokens: the service caches prompts of 1,024 tokens or more. Default 1024.</summary>
    public int CachingMinimumPromptTokens { get; set; } = 1024;

    /// <summary>A cache hit rate (cached / prompt tokens) below this percentage is low, 0 to 100. Default 20.</summary>
    public double CachingLowHitRatePercent { get; set; } = 20;

    /// <summary>
    /// A consumer and deployment (with at least <see cref="CachingMinimumRequests"/> successful requests with a recorded
    /// output bound) is listed under truncation when more than this percentage of them reached the bound, 0 to 100. Default 10.
    /// </summary>
    public double TruncationPercent { get; set; } = 10;
}
