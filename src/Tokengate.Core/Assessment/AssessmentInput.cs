using Microsoft.Extensions.Configuration;
using Tokengate.Configuration;
using Tokengate.Elevation;
using Tokengate.Identity;
using Tokengate.Logging;
using Tokengate.State;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Assessment;

/// <summary>Everything the rules look at: the gateway's options, bound like <c>serve</c> binds them, and runtime facts.</summary>
internal sealed record AssessmentInput(
    GatewayOptions Gateway,
    DataOptions Data,
    StateOptions State,
    TelemetryOptions Telemetry,
    RequestLogOptions RequestLogging,
    ElevationOptions Elevation,
    KeyStoreOptions KeyStore,
    AuthFailureOptions AuthFailures,
    BackupFacts Backup)
{
    /// <summary>Binds every section the rules read from <paramref name="configuration"/>.</summary>
    public static AssessmentInput From(IConfiguration configuration, BackupFacts backup)
    {
        T Bind<T>(string section) where T : new()
        {
            var options = new T();
            configuration.GetSection(section).Bind(options);
            return options;
        }
        return new AssessmentInput(
            Bind<GatewayOptions>(GatewayOptions.SectionName),
            Bind<DataOptions>(DataOptions.SectionName),
            Bind<StateOptions>(StateOptions.SectionName),
            Bind<TelemetryOptions>(TelemetryOptions.SectionName),
            Bind<RequestLogOptions>(RequestLogOptions.SectionName),
            Bind<ElevationOptions>(ElevationOptions.SectionName),
            Bind<KeyStoreOptions>(KeyStoreOptions.SectionName),
            Bind<AuthFailureOptions>(AuthFailureOptions.SectionName),
            backup);
    }

    /// <summary>A configuration with nothing set but <paramref name="gateway"/> (for tests).</summary>
    public static AssessmentInput For(GatewayOptions gateway, BackupFacts? backup = null) =>
        new(gateway, new DataOptions(), new StateOptions(), new TelemetryOptions(), new RequestLogOptions(), new ElevationOptions(),
            new KeyStoreOptions(), new AuthFailureOptions(), backup ?? BackupFacts.Unknown(DateTimeOffset.UnixEpoch));

    /// <summary>Backends that serve live requests (batch deployments only run batches).</summary>
    public IEnumerable<(string Pool, BackendOptions Backend)> LiveBackends =>
        Gateway.Pools.SelectMany(p => p.Value.Backends.Where(IsLive).Select(b => (p.Key, b)));

    public static bool IsLive(BackendOptions backend) => backend.Type is BackendType.Standard or BackendType.Provisioned;
}
