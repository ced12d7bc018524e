namespace Tokengate.Affinity;

/// <summary>The values of <see cref="AffinityRecord.Kind"/>, spelled once.</summary>
internal static class AffinityKinds
{
    /// <summary>A stored Responses API response (<c>resp_…</c>), the anchor of its <c>previous_response_id</c> chain.</summary>
    public const string Response = "response";
}
