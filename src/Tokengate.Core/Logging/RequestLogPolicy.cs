namespace Tokengate.Logging;

/// <summary>What the gateway keeps of a consumer's requests.</summary>
public enum RequestLogPolicy
{
    /// <summary>Nothing beyond the usage ledger.</summary>
    Off,

    /// <summary>Who, what, when, how long, status and tokens, in plain JSON lines; never prompt or completion text.</summary>
    Metadata,

    /// <summary>Metadata plus the request body and the completion text, redacted and encrypted at rest.</summary>
    Full,
}
