namespace Tokengate.Priority;

/// <summary>What a request of a class does when no backend has room for its class now.</summary>
public enum WhenFull
{
    /// <summary>Go to pay-as-you-go backends; when there are none, use the provisioned one anyway (up to its 429).</summary>
    Spill,

    /// <summary>Wait in the pool's fair queue (up to the class's <c>MaxWait</c>) until a backend has room for the class.</summary>
    Wait,
}
