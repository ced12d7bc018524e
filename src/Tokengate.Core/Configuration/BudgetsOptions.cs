namespace Tokengate.Configuration;

/// <summary>Spending budgets per consumer and group (<c>Tokengate:Budgets</c>); periods are UTC days and months.</summary>
public sealed class BudgetsOptions
{
    /// <summary>
    /// Where threshold alerts are POSTed as JSON (through the gateway's outbound client). Default: none (alerts are
    /// only logged).
    /// </summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Budgets per consumer name. Default: none.</summary>
    public Dictionary<string, List<BudgetOptions>> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Budgets per consumer group, shared by its members. Default: none.</summary>
    public Dictionary<string, List<BudgetOptions>> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
