namespace Tokengate.Limits;

/// <summary>
/// What one admitted request holds in the counters until it settles or is released. The window position it was
/// charged at travels with it, and the counter stripe it charged, so a settle corrects the same slot of the same stripe
/// (a Redis store keeps the same fields and charges no stripes).
/// </summary>
/// <param name="Scopes">The scopes charged.</param>
/// <param name="Tokens">Tokens reserved (the estimate).</param>
/// <param name="Second">The window slot (Unix second) the tokens and the request were charged to.</param>
/// <param name="SharedId">The request's id in the shared (Redis) counters; null when it was charged to local counters.</param>
/// <param name="Stripe">The stripe of the local counters it charged (<see cref="SlidingWindowCounter"/>).</param>
internal sealed record LimitReservation(IReadOnlyList<LimitScope> Scopes, long Tokens, long Second, string? SharedId = null, int Stripe = 0);
