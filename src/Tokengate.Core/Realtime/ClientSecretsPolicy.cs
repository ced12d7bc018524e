namespace Tokengate.Realtime;

/// <summary>Who may mint ephemeral realtime client secrets through the gateway (<see cref="RealtimeOptions.ClientSecrets"/>).</summary>
public enum ClientSecretsPolicy
{
    /// <summary>
    /// Refused (403) for consumers that are metered (any token, request or concurrency limit, or any budget,
    /// applies to them); forwarded for the others, whose sessions the gateway would not meter anyway.
    /// </summary>
    RefuseMetered,

    /// <summary>Refused (403) for every consumer: sessions go through the gateway's WebSocket only.</summary>
    RefuseAll,
}
