namespace Tokengate.Simulator;

/// <summary>
/// The simulated Azure AI Content Safety resource that serves Prompt Shields
/// (<c>POST /contentsafety/text:shieldPrompt</c>). Bindable from <c>Simulator:ContentSafety</c>; changed at run time
/// through <see cref="SimulatorControl.UpdateContentSafety"/> or <c>PATCH /_simulator/contentsafety</c>.
/// </summary>
/// <remarks>
/// <see cref="FailNextCount"/> and <see cref="ResetNextCount"/> are commands: applying options arms them once and
/// stores them back as zero, so a later unrelated update does not re-arm them. What is still armed shows in
/// <see cref="SimulatedContentSafetyStats"/>.
/// </remarks>
public sealed class SimulatedContentSafetyOptions
{
    /// <summary>
    /// Requests admitted per sliding 10-second window before the resource answers 429 with <c>Retry-After</c>.
    /// Default 1,000, the documented Prompt Shields rate on both the F0 and S0 tiers.
    /// </summary>
    public int RequestsPer10Seconds { get; set; } = 1_000;

    /// <summary>Delay in milliseconds before every answer (after the key and api-version checks), on the simulator's clock. Default 0.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Command: the next N calls (that pass the key and body checks) answer <see cref="FailNextStatusCode"/>. Default 0.</summary>
    public int FailNextCount { get; set; }

    /// <summary>Status of the failures armed by <see cref="FailNextCount"/>, 400 to 599. Default 500.</summary>
    public int FailNextStatusCode { get; set; } = 500;

    /// <summary>
    /// Retry delay in milliseconds sent as <c>Retry-After</c> (seconds, rounded up) and <c>retry-after-ms</c> with an
    /// injected 429 or 503. Default null: 1,000 ms for 429, none for 503.
    /// </summary>
    public int? FailNextRetryAfterMs { get; set; }

    /// <summary>Command: abort the connection of the next N calls before any response. Default 0.</summary>
    public int ResetNextCount { get; set; }
}
