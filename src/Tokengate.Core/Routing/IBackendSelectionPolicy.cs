namespace Tokengate.Routing;

/// <summary>
/// Chooses the next backend of a pool to try. A pure function of the pool, the health view, the backends already
/// tried, the request's estimate and the random source, so every policy can be tested exactly.
/// </summary>
internal interface IBackendSelectionPolicy
{
    /// <summary>The policy's configuration name.</summary>
    string Name { get; }

    /// <summary>Returns the backend to try next, or null when none is available now.</summary>
    /// <param name="pool">The pool to choose from.</param>
    /// <param name="health">Availability of each backend at this moment.</param>
    /// <param name="tried">Bit <c>i</c> set when <c>pool.Backends[i]</c> was already tried for this request.</param>
    /// <param name="estimatedTokens">The request's admission estimate (prompt + output bound × n), for quota-aware policies.</param>
    /// <param name="random">The injected random source.</param>
    Backend? Select(Pool pool, IBackendAvailability health, ulong tried, long estimatedTokens, Random random);
}
