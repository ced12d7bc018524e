namespace Tokengate.Telemetry;

/// <summary>Metrics and traces (<c>Tokengate:Telemetry</c>). Read once at start.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Telemetry";

    /// <summary>Who may scrape <see cref="MetricsPath"/>. Default <see cref="MetricsEndpointAccess.Reader"/>.</summary>
    public MetricsEndpointAccess MetricsAccess { get; set; } = MetricsEndpointAccess.Reader;

    /// <summary>Path of the Prometheus text exposition. Default <c>/metrics</c>.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// OTLP collector endpoint (e.g. <c>http://127.0.0.1:4317</c>); metrics and traces are pushed there. Default: none
    /// (no export, and no spans are recorded unless another listener asks for them).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>How often metrics are pushed over OTLP. Default 60 seconds; at least 1 second.</summary>
    public TimeSpan OtlpExportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Adds <c>x-tokengate-overhead-ms</c> to every response relayed from a backend: the gateway's own time for the
    /// request until the response headers went out, less the time spent waiting on backends for their response
    /// headers, in milliseconds with three decimals. Default <c>false</c> (the figure tells a caller how long the
    /// gateway's own work takes). The <c>tokengate.gateway.overhead</c> histogram is recorded either way.
    /// </summary>
    public bool OverheadHeader { get; set; }
}
