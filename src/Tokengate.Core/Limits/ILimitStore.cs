namespace Tokengate.Limits;

/// <summary>
/// The rate-limit counters: tokens and requests in a sliding 60-second window of one-second slots, and requests in
/// flight, per scope. The contract is store-agnostic so a Redis implementation can run each call as one script:
/// <list type="bullet">
/// <item><see cref="TryReserveAsync"/> is atomic and all-or-nothing across the scopes it is given.</item>
/// <item><see cref="SettleAsync"/> corrects the reserved tokens to actual usage in the slot they were charged to and
/// ends the request's concurrency hold; <see cref="ReleaseAsync"/> takes the whole reservation back (the request
/// never reached a model).</item>
/// </list>
/// Each reservation must be settled or released exactly once.
/// </summary>
internal interface ILimitStore
{
    ValueTask<LimitDecision> TryReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens, CancellationToken cancellationToken);

    ValueTask SettleAsync(LimitReservation reservation, long actualTokens, CancellationToken cancellationToken);

    ValueTask ReleaseAsync(LimitReservation reservation, CancellationToken cancellationToken);
}
