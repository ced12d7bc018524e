using Tokengate.Accounting;
using Tokengate.Hosting;
using Tokengate.Limits;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Realtime;

/// <summary>
/// Step 6 for a session: before the upgrade, the consumer's budgets (a spent blocking budget refuses the session with
/// the same 429 a request gets) and rate limits (the session holds one concurrency slot until it ends, and counts one
/// request; a consumer whose token window is already full is refused). What a session will use is unknown when it
/// opens, so nothing is reserved for its tokens: each response is charged as it is settled
/// (<see cref="RealtimeMeter"/>).
/// </summary>
internal sealed class RealtimeAdmission(ILimitStore limits, IBudgetStore budgets, IBackendHealth health, UsageLedger ledger, TimeProvider time)
{
    public async ValueTask<(RealtimeMeter? Meter, GatewayError? Refusal)> AdmitAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var options = feature.Snapshot.Options;
        var consumer = feature.Consumer!;
        var budget = await budgets.AdmitAsync(consumer, options.Budgets, 0m, 0, cancellationToken).ConfigureAwait(false);
        if (budget.Blocking is { } spent)
        {
            var resets = budget.ResetsAt;
            return (null, LimitErrors.BudgetExhausted(spent.Label, resets, resets - time.GetUtcNow()));
        }

        var scopes = LimitScopes.For(consumer, options.Limits, budget.Throttling);
        LimitReservation? reservation = null;
        if (scopes.Count > 0)
        {
            var decision = await limits.TryReserveAsync(scopes, 0, cancellationToken).ConfigureAwait(false);
            if (!decision.Admitted)
            {
                await budgets.SettleAsync(budget, 0, 0, CancellationToken.None).ConfigureAwait(false);
                return (null, LimitErrors.RateLimited(decision));
            }
            reservation = decision.Reservation;
        }
        return (new RealtimeMeter(feature, budget, reservation, scopes, limits, budgets, health, ledger, time), null);
    }

    /// <summary>A session refused before its upgrade: one ledger record with the status it got, as a refused request has.</summary>
    public ValueTask RecordRefusedAsync(GatewayRequestFeature feature, GatewayError error, bool rejected) =>
        RealtimeMeter.AppendAsync(ledger, RealtimeMeter.Record(feature, time, error.Status, default, 0, null, feature.Outcome.Backend, rejected));
}
