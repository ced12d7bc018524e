using System.Diagnostics;

namespace Tokengate.Telemetry;

/// <summary>The gateway's one <see cref="ActivitySource"/>: a span per request and one per backend attempt.</summary>
internal static class GatewayTracing
{
    public const string SourceName = "Tokengate";

    public static ActivitySource Source { get; } = new(SourceName);
}
