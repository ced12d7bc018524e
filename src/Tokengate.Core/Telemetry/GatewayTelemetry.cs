using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tokengate.Admin;

namespace Tokengate.Telemetry;

/// <summary>Registers the meter, the timeline, OpenTelemetry (Prometheus scrape, optional OTLP) and maps <c>/metrics</c>.</summary>
internal static class GatewayTelemetry
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddOptions<TelemetryOptions>().Configure(o => configuration.GetSection(TelemetryOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<MetricsTimeline>();
        services.AddSingleton<BackendQuotaBook>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<CapacityReadings>();
        services.AddSingleton<GatewayGauges>();
        services.AddHostedService<GaugeRegistration>();

        // Read here because the exporters are chosen while services are registered; validated on start like the rest.
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.OtlpEndpoint is not null && Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null;
        var protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(GatewayMetrics.MeterName);
            if (options.MetricsAccess != MetricsEndpointAccess.Disabled)
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp is not null)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = otlp;
                    exporter.Protocol = protocol;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpExportInterval.TotalMilliseconds;
                });
            }
        });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(GatewayTracing.SourceName).AddOtlpExporter(o =>
            {
                o.Endpoint = otlp;
                o.Protocol = protocol;
            }));
        }
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint with the configured access rule.</summary>
    public static IEndpointRouteBuilder MapGatewayTelemetry(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        switch (options.MetricsAccess)
        {
            case MetricsEndpointAccess.Reader:
                endpoints.MapPrometheusScrapingEndpoint(options.MetricsPath).RequireAuthorization(AdminPolicies.Reader);
                break;
            case MetricsEndpointAccess.Loopback:
                endpoints.MapPrometheusScrapingEndpoint(options.MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(next => context =>
                {
                    if (context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)) return next(context);
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }), optionsName: null);
                break;
            case MetricsEndpointAccess.Open:
                endpoints.MapPrometheusScrapingEndpoint(options.MetricsPath);
                break;
        }
        return endpoints;
    }

    /// <summary>Creates the observable gauges once the container is built.</summary>
    private sealed class GaugeRegistration(GatewayGauges gauges) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            gauges.Register();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
