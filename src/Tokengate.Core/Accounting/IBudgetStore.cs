using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Accounting;

/// <summary>
/// Budget spend per budget and period. A request is admitted while spent plus reserved is below the amount of every
/// budget that applies to it (a spent <see cref="BudgetAction.Block"/> budget refuses it, a spent
/// <see cref="BudgetAction.Throttle"/> one names itself in <see cref="BudgetAdmission.Throttling"/>), and reserves its
/// estimate in all of them until it settles to its actual cost; so the last admitted request may cross the amount by
/// at most its own cost. The contract is store-agnostic so a Redis implementation can run each call as one script:
/// <list type="bullet">
/// <item><see cref="AdmitAsync"/> checks and reserves atomically across the budgets it applies.</item>
/// <item><see cref="SettleAsync"/> releases the estimate, adds the actual spend and queues an alert for each threshold
/// this settle crossed (once per budget, period and threshold).</item>
/// </list>
/// Each admission with holds must be settled exactly once (with zero spend when the request never ran).
/// </summary>
internal interface IBudgetStore
{
    /// <summary>No store call is made (and <see cref="BudgetAdmission.None"/> returned) when no budget applies.</summary>
    ValueTask<BudgetAdmission> AdmitAsync(Consumer consumer, BudgetsOptions options, decimal estimatedCost, long estimatedTokens, CancellationToken cancellationToken);

    ValueTask SettleAsync(BudgetAdmission admission, decimal cost, long tokens, CancellationToken cancellationToken);

    /// <summary>
    /// Sets each budget's spend in its current period from the ledger, and the thresholds already fired; a shared
    /// store keeps a value that is already there (another instance's live spend is newer than the ledger).
    /// </summary>
    ValueTask SeedAsync(IReadOnlyList<BudgetSeed> seeds, CancellationToken cancellationToken);

    /// <summary>
    /// Raised by a shared store when the shared spend must be seeded from the ledger again: the store came back after an
    /// outage, or lost its data. An in-memory store never raises it.
    /// </summary>
    event Action? SeedNeeded;

    /// <summary>Every budget this instance has met, with its spend in the current period, for metrics and the dashboard. Never blocks on I/O.</summary>
    IReadOnlyList<BudgetState> Describe();
}
