namespace Tokengate.Limits;

/// <summary>The answer of <see cref="ILimitStore.TryReserveAsync"/>.</summary>
/// <param name="Reservation">Set when admitted.</param>
/// <param name="Refused">The scope that refused, when not admitted.</param>
/// <param name="RefusedKind">Which of its limits.</param>
/// <param name="RetryAfter">When the same request would fit (null when it never can: it alone exceeds the limit).</param>
/// <param name="RemainingTokens">The first scope's tokens left in the window after this request, when it has a TPM limit.</param>
/// <param name="RemainingRequests">The first scope's requests left in the window, when it has an RPM limit.</param>
internal sealed record LimitDecision(
    LimitReservation? Reservation,
    LimitScope? Refused = null,
    LimitKind RefusedKind = default,
    TimeSpan? RetryAfter = null,
    long? RemainingTokens = null,
    long? RemainingRequests = null)
{
    public bool Admitted => Reservation is not null;
}
