namespace Tokengate.Advice;

/// <summary>One way of buying the PTUs, per month: the PTUs, the PAYG spillover above them, and the utilization at which they pay for themselves.</summary>
internal sealed record PtuOption(PtuBilling Billing, decimal PtuMonthlyUsd, decimal SpilloverMonthlyUsd, decimal TotalMonthlyUsd, double? BreakEvenUtilization);
