namespace Tokengate.Routing;

/// <summary>
/// A backend's estimated tokens and requests in one fixed minute. A new minute gets a new object (swapped in by
/// compare-and-swap), so a count never has to be reset under a lock; it keeps the minute before it while adjacent,
/// for the sliding-minute estimate.
/// </summary>
internal sealed class MinuteCounts(long startTicks, MinuteCounts? previous)
{
    /// <summary>Start of the minute (a multiple of one minute in ticks).</summary>
    public readonly long StartTicks = startTicks;

    public long Tokens;
    public long Requests;

    /// <summary>The minute just before, when it was adjacent; cleared once this one is itself the previous minute.</summary>
    public MinuteCounts? Previous = previous;
}
