namespace Tokengate.Alerts;

/// <summary>What a capacity alert watches.</summary>
public enum AlertMetric
{
    /// <summary>Utilization percent (provisioned: reported; standard: share of the token limit in use). Fires when high.</summary>
    Utilization,

    /// <summary>Remaining tokens in the rate-limit window, percent of the limit. Fires when low.</summary>
    RemainingTokens,
}
