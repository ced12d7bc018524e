namespace Tokengate.Limits;

/// <summary>
/// What one admitted request holds in the counters until it settles or is released. The window position it was
/// charged at travels with it, so a settle corrects the same slot (a Redis store keeps the same fields).
/// </summary>
/// <param name="Scopes">The scopes charged.</param>
/// <param name="Tokens">Tokens reserved (the estimate).</param>
/// <param name="Second">The window slot (Unix second) the tokens and the request were charged to.</param>
/// <param name="SharedId">The request's id in the shared (Redis) counters; null when it was charged to local counters.</param>
internal sealed record LimitReservation(IReadOnlyList<LimitScope> Scopes, long Tokens, long Second, string? SharedId = null);
