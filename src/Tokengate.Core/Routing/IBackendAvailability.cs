namespace Tokengate.Routing;

/// <summary>What a selection policy may ask about backends at one moment.</summary>
internal interface IBackendAvailability
{
    /// <summary>True when the backend may take a new request now (not cooling, circuit not open, not spilling).</summary>
    bool IsAvailable(Backend backend, Pool pool);
}
