namespace Tokengate.Accounting;

/// <summary>An admitted request's share reserved in one budget until it settles.</summary>
internal sealed record BudgetHold(BudgetState Budget, DateTimeOffset PeriodStart, decimal Amount);
