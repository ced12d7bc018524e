namespace Tokengate.Configuration;

/// <summary>What a budget counts.</summary>
public enum BudgetUnit
{
    /// <summary>Cost in US dollars, from the price table.</summary>
    Usd,

    /// <summary>Total tokens (prompt plus completion).</summary>
    Tokens,
}
