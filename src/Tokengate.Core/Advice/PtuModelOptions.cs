namespace Tokengate.Advice;

/// <summary>How much one PTU of a model carries, and how it is bought.</summary>
public sealed class PtuModelOptions
{
    /// <summary>Input tokens per minute one PTU carries. Required, above 0.</summary>
    public long TokensPerMinutePerPtu { get; set; }

    /// <summary>How many input tokens one output token counts as against PTU capacity. Default 4 (Azure's calculators for gpt-4o and gpt-4.1).</summary>
    public double OutputTokenWeight { get; set; } = 4;

    /// <summary>How many input tokens one cached input token counts as, 0 to 1. Default 0: Azure discounts cached tokens fully on provisioned deployments.</summary>
    public double CachedTokenWeight { get; set; }

    /// <summary>The smallest deployment in PTUs. Default 15 (global and data-zone; regional is 50).</summary>
    public int MinimumPtus { get; set; } = 15;

    /// <summary>PTUs are bought in multiples of this. Default 5 (global and data-zone; regional is 50).</summary>
    public int PtuIncrement { get; set; } = 5;
}
