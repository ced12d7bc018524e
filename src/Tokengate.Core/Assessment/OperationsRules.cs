using Tokengate.Configuration;
using Tokengate.Logging;
using Tokengate.State;
using Tokengate.Storage;
using static Tokengate.Assessment.AssessmentFinding;

namespace Tokengate.Assessment;

/// <summary>Rules for observability, the request log, key rotation and a fleet's shared state.</summary>
internal static class OperationsRules
{
    public static IEnumerable<AssessmentRule> All { get; } =
    [
        new("telemetry-export", "Metrics leave the gateway (Prometheus endpoint or OTLP), ideally to an OTLP collector for aggregation.", TelemetryExport),
        new("request-logging", "A request-logging policy is set (metadata or full where permitted), full logs are encrypted, retention is bounded.", RequestLogging),
        new("backend-key-rotation", "Every backend that uses an API key has a KeyRotationInterval (two keys, rotated on schedule).", BackendKeyRotation),
        new("shared-state", "With more than one instance: PostgreSQL for data and Redis for counters, so limits, budgets and health hold across the fleet.", SharedState),
    ];

    private static IReadOnlyList<AssessmentFinding> TelemetryExport(AssessmentInput input)
    {
        var exported = ReliabilityRules.TelemetryExported(input);
        if (exported.Status != AssessmentStatus.Pass) return [exported];
        return string.IsNullOrWhiteSpace(input.Telemetry.OtlpEndpoint)
            ? [Warn("metrics are only scraped from this instance; traces go nowhere", exported.Evidence,
                "set Tokengate:Telemetry:OtlpEndpoint to an OpenTelemetry collector (Azure Monitor, Grafana, ...) to aggregate and visualize across instances")]
            : [Pass("metrics and traces are exported over OTLP", exported.Evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> RequestLogging(AssessmentInput input)
    {
        var log = input.RequestLogging;
        var policies = log.Consumers.Values.Concat(log.Groups.Values).Append(log.DefaultPolicy).ToList();
        var evidence = $"Tokengate:RequestLogging: DefaultPolicy = {log.DefaultPolicy}, {log.Consumers.Count} consumer and {log.Groups.Count} group policies, RetentionDays = {log.RetentionDays}, EncryptionKey {(log.EncryptionKey is null ? "not set" : "set")}";
        var findings = new List<AssessmentFinding>();
        if (policies.All(p => p == RequestLogPolicy.Off))
        {
            findings.Add(Warn("no request is logged", evidence,
                "set Tokengate:RequestLogging:DefaultPolicy to Metadata, and Full for the consumers where prompts may be kept"));
            return findings;
        }
        findings.Add(Pass("a logging policy is set", evidence));
        if (policies.Contains(RequestLogPolicy.Full) && !log.BuiltInRedaction)
            findings.Add(Warn("full prompts are logged without built-in redaction", "Tokengate:RequestLogging:BuiltInRedaction = false", "set BuiltInRedaction to true"));
        if (log.RetentionDays <= 0 || log.RetentionDays > 400)
            findings.Add(Warn("logged prompts are kept without a bound", $"Tokengate:RequestLogging:RetentionDays = {log.RetentionDays}", "set RetentionDays to what the data policy permits (e.g. 30)"));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> BackendKeyRotation(AssessmentInput input)
    {
        var keyed = input.Gateway.Pools.SelectMany(p => p.Value.Backends.Where(b => b.Auth == BackendAuthMode.ApiKey).Select(b => (Pool: p.Key, Backend: b))).ToList();
        if (keyed.Count == 0) return [NotApplicable("no backend uses an API key (Entra ID needs no rotation)", "Tokengate:Pools:*:Backends:*:Auth")];
        var unrotated = keyed.Where(k => k.Backend.KeyRotationInterval is null || k.Backend.SecondaryApiKey is null).Select(k => $"{k.Pool}/{k.Backend.Name}").ToList();
        return unrotated.Count == 0
            ? [Pass("every backend key is rotated on schedule", "Tokengate:Pools:*:Backends:*: KeyRotationInterval and SecondaryApiKey set")]
            : [Warn($"{unrotated.Count} backends' keys are not rotated automatically",
                $"KeyRotationInterval or SecondaryApiKey not set: {string.Join(", ", unrotated.Take(4))}{(unrotated.Count > 4 ? $" and {unrotated.Count - 4} more" : "")}",
                "give each keyed backend a SecondaryApiKey and a KeyRotationInterval (e.g. 30.00:00:00), or switch it to \"Auth\": \"EntraId\"")];
    }

    private static IReadOnlyList<AssessmentFinding> SharedState(AssessmentInput input)
    {
        var evidence = $"Tokengate:State:Provider = {input.State.Provider}, InstanceCount = {input.State.InstanceCount}; Tokengate:Data:Provider = {input.Data.Provider}";
        var fleet = input.State.InstanceCount > 1 || input.State.Provider == StateProvider.Redis || input.Data.Provider == DatabaseProvider.PostgreSql;
        if (!fleet) return [NotApplicable("one instance: in-memory state and SQLite are the right choice", evidence)];
        if (input.State.Provider != StateProvider.Redis)
            return [Fail("several instances without shared counters: each enforces limits and budgets alone", evidence, "set Tokengate:State:Provider to Redis with a connection string")];
        if (input.Data.Provider != DatabaseProvider.PostgreSql)
            return [Fail("several instances over a local SQLite file", evidence, "set Tokengate:Data:Provider to PostgreSql with a connection string")];
        return [Pass("the fleet shares Redis and PostgreSQL", evidence)];
    }
}
