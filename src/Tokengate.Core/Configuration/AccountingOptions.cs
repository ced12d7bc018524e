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

    /// <summary>Usage records waiting to be written, at most; past it requests wait for room (counted in metrics). Default 10000.</summary>
    public int LedgerQueueCapacity { get; set; } = 10_000;

    /// <summary>Records per multi-row insert. Default 500.</summary>
    public int LedgerBatchSize { get; set; } = 500;
}
