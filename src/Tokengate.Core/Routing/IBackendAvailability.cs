namespace Tokengate.Routing;

/// <summary>What a selection policy may ask about backends at one moment.</summary>
internal interface IBackendAvailability
{
    /// <summary>True when the backend may take a new request now (not cooling, circuit not open, not spilling).</summary>
    bool IsAvailable(Backend backend, Pool pool);

    /// <summary>The backend's quota as last reported and since refreshed by age and lowered by what was sent to it.</summary>
    BackendQuota Quota(Backend backend);
}
