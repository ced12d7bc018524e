namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The fixed facts of a session: its id, the deployment's model, when it expires (Unix seconds) and the api-version
/// it was opened with (<c>v1</c> on the GA route), which 429 texts quote.
/// </summary>
internal sealed record RealtimeSessionInfo(string Id, string Model, long ExpiresAt, string ApiVersion);
