using Tokengate.OpenAI;

namespace Tokengate.Elevation;

/// <summary>What an elevation operation came to: the record, or the error to answer with.</summary>
internal sealed record ElevationResult(ElevationRecord? Record, GatewayError? Error)
{
    public static ElevationResult Ok(ElevationRecord record) => new(record, null);

    public static ElevationResult Fail(int status, string code, string message) => new(null, new GatewayError(status, code, message));
}
