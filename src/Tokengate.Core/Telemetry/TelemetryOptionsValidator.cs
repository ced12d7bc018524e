using Microsoft.Extensions.Options;

namespace Tokengate.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        const string P = TelemetryOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.MetricsPath) || !o.MetricsPath.StartsWith('/') || o.MetricsPath.StartsWith("/admin", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{P}:MetricsPath: must start with '/' and not be under /admin (was '{o.MetricsPath}').");
        if (o.OtlpEndpoint is not null && (!Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add($"{P}:OtlpEndpoint: must be an absolute http or https URL (was '{o.OtlpEndpoint}').");
        if (o.OtlpProtocol is not ("grpc" or "http/protobuf"))
            errors.Add($"{P}:OtlpProtocol: must be 'grpc' or 'http/protobuf' (was '{o.OtlpProtocol}').");
        if (o.OtlpExportInterval < TimeSpan.FromSeconds(1))
            errors.Add($"{P}:OtlpExportInterval: must be at least 00:00:01 (was {o.OtlpExportInterval}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
