namespace Tokengate.Routing;

/// <summary>A backend an operator drained: it takes no new requests until resumed.</summary>
/// <param name="Backend">The backend's configured name.</param>
/// <param name="By">Who drained it (the admin caller's name).</param>
/// <param name="At">When.</param>
internal sealed record BackendDrainRecord(string Backend, string By, DateTimeOffset At);
