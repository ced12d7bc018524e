namespace Tokengate.Priority;

/// <summary>What a request of a class does when no backend has room for its class now.</summary>
public enum WhenFull
{
    /// <summary>Go to pay-as-you-go backends; when there are none, use the provisioned one anyway (up to its 429).</summary>
    Spill,

    /// <summary>
    /// Wait in the pool's fair queue (up to the class's <c>MaxWait</c>) until a provisioned backend has room for the
    /// class, rather than pay for pay-as-you-go (in a pool without provisioned backends: until a backend is available).
    /// </summary>
    Wait,
}
