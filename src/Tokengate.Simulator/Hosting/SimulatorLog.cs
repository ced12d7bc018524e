using Microsoft.Extensions.Logging;

namespace Tokengate.Simulator.Hosting;

internal static partial class SimulatorLog
{
    [LoggerMessage(1, LogLevel.Debug, "Accepted unfamiliar api-version '{ApiVersion}'")]
    public static partial void UnfamiliarApiVersion(ILogger logger, string apiVersion);

    [LoggerMessage(2, LogLevel.Debug, "Injected {Fault} on deployment '{Deployment}'")]
    public static partial void FaultInjected(ILogger logger, string fault, string deployment);

    [LoggerMessage(3, LogLevel.Debug, "Throttled deployment '{Deployment}' ({Reason}), retry after {RetryAfterMs} ms")]
    public static partial void Throttled(ILogger logger, string deployment, string reason, long retryAfterMs);

    [LoggerMessage(4, LogLevel.Error, "Simulator request failed unexpectedly")]
    public static partial void RequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Azure OpenAI simulator listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, Uri endpoint);
}
