namespace Tokengate.Realtime;

/// <summary>
/// Realtime sessions over WebSocket (<c>Tokengate:Realtime</c>): how quickly a revoked credential ends a session, who
/// may mint ephemeral client secrets, and the largest server event the gateway reads for usage. Read once at start.
/// The upstream handshake uses the forwarding loop's limits (<c>Forwarding:MaxAttempts</c>, <c>AttemptTimeout</c>,
/// <c>Deadline</c>, <c>ConnectTimeout</c>, cooldowns).
/// </summary>
public sealed class RealtimeOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Realtime";

    /// <summary>
    /// How often an open session's credential is checked again (a revoked or expired key, an expired JWT, a removed
    /// consumer end the session at the next check). Default 250 ms; 50 ms to 1 s, so a session ends within a second.
    /// </summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Who may mint ephemeral client secrets (<c>POST …/realtime/client_secrets</c>), which let a browser reach the
    /// backend directly (WebRTC) where the gateway can neither meter nor revoke the session. Default
    /// <see cref="ClientSecretsPolicy.RefuseMetered"/>.
    /// </summary>
    public ClientSecretsPolicy ClientSecrets { get; set; } = ClientSecretsPolicy.RefuseMetered;

    /// <summary>
    /// Largest server event, in bytes, the gateway reads whole for its usage or model (<c>response.done</c>,
    /// input transcription, <c>session.created</c> / <c>session.updated</c>); other events are relayed without being
    /// read. A larger one of those kinds would go unmetered, so it ends the session with close status 1009.
    /// Default 4 MiB; 64 KiB to 256 MiB.
    /// </summary>
    public int MaxEventBytes { get; set; } = 4 * 1024 * 1024;
}
