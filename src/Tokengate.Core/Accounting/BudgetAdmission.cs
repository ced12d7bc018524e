namespace Tokengate.Accounting;

/// <summary>What the budgets say about one request.</summary>
/// <param name="Holds">Reservations to settle (empty when no budget applies).</param>
/// <param name="Blocking">The spent budget that stops the request, if any.</param>
/// <param name="ResetsAt">When <paramref name="Blocking"/> starts its next period.</param>
/// <param name="Throttling">A spent budget that throttles instead, if any.</param>
/// <param name="SharedId">
/// The reservation's id in the shared (Redis) budgets; null when the holds were made in local state, which is then
/// where they are settled.
/// </param>
internal sealed record BudgetAdmission(
    IReadOnlyList<BudgetHold> Holds, BudgetState? Blocking = null, DateTimeOffset ResetsAt = default, BudgetState? Throttling = null, string? SharedId = null)
{
    public static BudgetAdmission None { get; } = new([]);
}
