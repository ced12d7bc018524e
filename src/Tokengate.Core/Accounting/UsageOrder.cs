namespace Tokengate.Accounting;

/// <summary>How usage rows are ordered within each period.</summary>
public enum UsageOrder
{
    /// <summary>By key, A to Z (the default).</summary>
    Key,

    /// <summary>Most cost first (top spenders).</summary>
    Cost,

    /// <summary>Most requests first.</summary>
    Requests,

    /// <summary>Most tokens (prompt + completion) first.</summary>
    Tokens,
}
