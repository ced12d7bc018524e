using Microsoft.Extensions.Logging;

namespace Tokengate.Screening.PromptShields;

/// <summary>Log events of the Prompt Shields detector (ids 2480-2489). Never the screened text.</summary>
internal static partial class PromptShieldsLog
{
    [LoggerMessage(2480, LogLevel.Warning, "Prompt Shields call failed: {Reason}")]
    public static partial void CallFailed(ILogger logger, string reason);

    [LoggerMessage(2481, LogLevel.Warning, "Prompt Shields answered 429: no calls for {RetryAfterMs} ms")]
    public static partial void Throttled(ILogger logger, long retryAfterMs);

    [LoggerMessage(2482, LogLevel.Debug, "Prompt Shields screen not answered: {Reason}")]
    public static partial void NotAnswered(ILogger logger, string reason);

    [LoggerMessage(2483, LogLevel.Error, "Prompt Shields key '{Reference}' could not be read: {Problem}")]
    public static partial void KeyUnreadable(ILogger logger, string reference, string problem);

    [LoggerMessage(2484, LogLevel.Warning, "Prompt Shields refused the gateway's credential ({Status}); check Tokengate:Screening:PromptShields:ApiKey or the identity's role")]
    public static partial void CredentialRefused(ILogger logger, int status);
}
