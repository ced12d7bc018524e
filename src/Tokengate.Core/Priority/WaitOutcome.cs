namespace Tokengate.Priority;

/// <summary>How a wait in the <see cref="WaitQueue"/> ended.</summary>
internal enum WaitOutcome
{
    /// <summary>Woken, its retry succeeded: the request runs.</summary>
    Served,

    /// <summary>Its deadline passed first: it gets the answer it would have got without waiting.</summary>
    TimedOut,

    /// <summary>The client went away while it waited: nothing is answered, nothing held.</summary>
    Abandoned,

    /// <summary>Never queued: the consumer already had as many requests waiting as its class allows.</summary>
    Full,
}
