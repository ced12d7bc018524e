namespace Tokengate.Configuration;

/// <summary>Prices and the usage ledger (<c>Tokengate:Accounting</c>).</summary>
public sealed class AccountingOptions
{
    /// <summary>
    /// Prices per model name (matched as the longest configured or built-in prefix of the backend's model), in USD
    /// per 1M tokens. Entries here override the built-in table of Global Standard list prices (dated 2025–2026;
    /// re-check before billing use). Default: none.
    /// </summary>
    public Dictionary<string, ModelPriceOptions> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A multiplier on the whole cost of a request, by the <c>service_tier</c> that served it (as the response says,
    /// so a <c>priority</c> request downgraded to <c>default</c> costs 1×). Defaults <c>flex</c> 0.5, <c>priority</c>
    /// 1.75, <c>default</c> 1: set them to your price sheet. Entries given here replace or add to the defaults; a tier
    /// not listed (or a response naming none) costs 1×.
    /// </summary>
    public Dictionary<string, decimal> ServiceTierMultipliers { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flex"] = 0.5m,
        ["priority"] = 1.75m,
        ["default"] = 1m,
    };

    /// <summary>The multiplier for the tier that served a request (1 when none is configured or named).</summary>
    internal decimal ServiceTierMultiplier(string? servedTier) =>
        servedTier is not null && ServiceTierMultipliers.TryGetValue(servedTier, out var multiplier) ? multiplier : 1m;

    /// <summary>Usage records waiting to be written, at most; past it requests wait for room (counted in metrics). Default 10000.</summary>
    public int LedgerQueueCapacity { get; set; } = 10_000;

    /// <summary>Records per write to the database. Default 500.</summary>
    public int LedgerBatchSize { get; set; } = 500;

    /// <summary>
    /// How long the ledger writer waits for a batch to fill before writing what it has, 0 to 10 s. A steady trickle of
    /// requests then costs a few database writes a second instead of one per request; it is also how far the ledger
    /// (and the usage metrics derived from it) may lag behind. Default 100 ms.
    /// </summary>
    public TimeSpan LedgerFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long usage records are kept. A background job on every instance deletes older ledger rows hourly, in
    /// bounded batches, so the ledger needs no manual maintenance. <c>00:00:00</c> keeps records forever; otherwise at
    /// least one day. Budgets and reports over periods longer than this see only what is kept. Default 400 days.
    /// </summary>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(400);
}
