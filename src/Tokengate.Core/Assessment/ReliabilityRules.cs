using System.Globalization;
using Tokengate.Alerts;
using Tokengate.Configuration;
using Tokengate.Files;
using static Tokengate.Assessment.AssessmentFinding;

namespace Tokengate.Assessment;

/// <summary>Rules for capacity, failover, overflow, monitoring and recovery.</summary>
internal static class ReliabilityRules
{
    /// <summary>How old the latest backup may be before recovery fails the assessment.</summary>
    public static readonly TimeSpan BackupMaxAge = TimeSpan.FromHours(24);

    public static IEnumerable<AssessmentRule> All { get; } =
    [
        new("provisioned-for-production", "At least one live backend is provisioned (PTU); all pay-as-you-go suits dev/test only.", ProvisionedForProduction),
        new("multi-backend-multi-region", "Every pool has two or more live backends, in two or more regions, so a throttled or failed backend has somewhere to go.", MultiBackendMultiRegion),
        new("ptu-payg-overflow", "Every pool with a provisioned backend has a pay-as-you-go backend to spill to, and spills before the 429 (SpilloverUtilizationPercent below 100).", PtuPaygOverflow),
        new("capacity-alerts", "Capacity alerts (utilization, remaining tokens) are evaluated and sent to a webhook.", CapacityAlerts),
        new("large-file-uploads", "Training files go through resumable uploads into a blob store that every instance shares (Azure Blob Storage rather than a local folder).", LargeFileUploads),
        new("recent-backup", "The latest disaster-recovery backup (read from --backup-target) completed in the last 24 hours.", RecentBackup),
        new("payg-usage-monitoring", "With pay-as-you-go backends: TPM/RPM metrics are exported (metrics endpoint or OTLP) and a remaining-tokens alert exists.", PaygUsageMonitoring),
        new("ptu-utilization-monitoring", "With provisioned backends: a utilization alert exists and each PTU backend states its ProvisionedTokensPerMinute.", PtuUtilizationMonitoring),
    ];

    private static IReadOnlyList<AssessmentFinding> ProvisionedForProduction(AssessmentInput input)
    {
        var live = input.LiveBackends.ToList();
        var provisioned = live.Where(b => b.Backend.Type == BackendType.Provisioned).Select(b => $"{b.Pool}/{b.Backend.Name}").ToList();
        return provisioned.Count > 0
            ? [Pass($"provisioned capacity: {string.Join(", ", provisioned)}", "Tokengate:Pools:*:Backends:*:Type = Provisioned")]
            : [Warn("every live backend is pay-as-you-go: fine for dev/test, no reserved capacity for production",
                $"Tokengate:Pools:*:Backends:*:Type = Standard ({live.Count} backends)",
                "add a provisioned (PTU) deployment as a backend with \"Type\": \"Provisioned\" and \"Priority\": 0 for production traffic")];
    }

    private static IReadOnlyList<AssessmentFinding> MultiBackendMultiRegion(AssessmentInput input)
    {
        var findings = new List<AssessmentFinding>();
        foreach (var (pool, options) in input.Gateway.Pools)
        {
            var live = options.Backends.Where(AssessmentInput.IsLive).ToList();
            var regions = live.Select(b => b.Region ?? "").Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var evidence = $"Tokengate:Pools:{pool}:Backends: {live.Count} live, regions [{string.Join(", ", regions)}]";
            if (live.Count < 2)
                findings.Add(Warn($"pool {pool} has a single backend: a throttle or outage there reaches the consumer", evidence,
                    $"add a second backend to pool {pool}, in another region"));
            else if (regions.Count < 2)
                findings.Add(Warn($"pool {pool}'s backends are all in one region (or name none)", evidence,
                    $"add a backend in another region to pool {pool} and set each backend's Region"));
            else
                findings.Add(Pass($"pool {pool} fails over across {live.Count} backends in {regions.Count} regions", evidence));
        }
        return findings.Count > 0 ? findings : [Fail("no pools", "Tokengate:Pools is empty", "configure at least one pool")];
    }

    private static IReadOnlyList<AssessmentFinding> PtuPaygOverflow(AssessmentInput input)
    {
        var findings = new List<AssessmentFinding>();
        foreach (var (pool, options) in input.Gateway.Pools)
        {
            var ptu = options.Backends.Count(b => b.Type == BackendType.Provisioned);
            if (ptu == 0) continue;
            var payg = options.Backends.Count(b => b.Type == BackendType.Standard);
            var evidence = $"Tokengate:Pools:{pool}:Backends: {ptu} Provisioned, {payg} Standard; SpilloverUtilizationPercent = {options.SpilloverUtilizationPercent.ToString(CultureInfo.InvariantCulture)}";
            if (payg == 0)
                findings.Add(Fail($"no pay-as-you-go overflow behind provisioned pool {pool}", evidence,
                    $"add a \"Type\": \"Standard\" backend with a lower priority (higher Priority number) to pool {pool}"));
            else if (options.SpilloverUtilizationPercent >= 100)
                findings.Add(Warn($"pool {pool} spills to pay-as-you-go only after a 429, not before it", evidence,
                    $"set Tokengate:Pools:{pool}:SpilloverUtilizationPercent below 100 (e.g. 90)"));
            else
                findings.Add(Pass($"pool {pool} spills from PTU to pay-as-you-go at {options.SpilloverUtilizationPercent.ToString(CultureInfo.InvariantCulture)} % utilization or on a 429", evidence));
        }
        return findings.Count > 0 ? findings : [NotApplicable("no provisioned backends", "Tokengate:Pools:*:Backends:*:Type")];
    }

    private static IReadOnlyList<AssessmentFinding> CapacityAlerts(AssessmentInput input)
    {
        var alerts = input.Gateway.Alerts;
        var rules = alerts.EffectiveRules;
        var evidence = $"Tokengate:Alerts: {rules.Count} rules{(alerts.Rules.Count == 0 ? " (the defaults)" : "")}, {alerts.WebhookUrls.Count} webhook URLs";
        return alerts.WebhookUrls.Count == 0
            ? [Warn("capacity alerts are evaluated but go nowhere (dashboard and log only)", evidence,
                "set Tokengate:Alerts:WebhookUrls to the team's alerting endpoint (Teams, Slack, PagerDuty, ...)")]
            : [Pass("capacity alerts reach a webhook", evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> LargeFileUploads(AssessmentInput input)
    {
        var files = input.Gateway.Files;
        return files.Store == BlobStoreKind.AzureBlob
            ? [Pass("uploads and training files go to Azure Blob Storage, shared by every instance", "Tokengate:Files:Store = AzureBlob")]
            : [Warn("uploaded training files are kept in a local folder of this machine", $"Tokengate:Files:Store = {files.Store}",
                "set Tokengate:Files:Store to AzureBlob (with AzureBlob:ServiceUri and a managed identity) so large uploads survive the machine and every instance sees them")];
    }

    private static IReadOnlyList<AssessmentFinding> RecentBackup(AssessmentInput input)
    {
        var backup = input.Backup;
        if (backup.Target is null)
            return [Warn("the last backup is not known to this assessment", "no --backup-target given",
                "run 'tokengate assess --backup-target FOLDER' where 'tokengate dr backup' writes, and schedule 'tokengate dr backup' at least daily")];
        if (backup.LastCompletedAt is not { } last)
            return [Fail($"no backup in {backup.Target}", $"{backup.Target}/manifests: none", "run 'tokengate dr backup' now and schedule it at least daily")];
        var age = backup.Now - last;
        var evidence = $"latest backup in {backup.Target} completed {last:u} ({age.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h ago)";
        return age > BackupMaxAge
            ? [Fail("no backup in the last 24 h", evidence, "run 'tokengate dr backup' now and schedule it at least daily")]
            : [Pass("a backup completed in the last 24 h", evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> PaygUsageMonitoring(AssessmentInput input)
    {
        var payg = input.LiveBackends.Count(b => b.Backend.Type == BackendType.Standard);
        if (payg == 0) return [NotApplicable("no pay-as-you-go backends", "Tokengate:Pools:*:Backends:*:Type")];
        var findings = new List<AssessmentFinding> { TelemetryExported(input) };
        var remaining = input.Gateway.Alerts.EffectiveRules.Where(r => r.Metric == AlertMetric.RemainingTokens).Select(r => r.Name).ToList();
        findings.Add(remaining.Count > 0
            ? Pass("an alert fires when remaining TPM quota runs low", $"Tokengate:Alerts:Rules: {string.Join(", ", remaining)}")
            : Warn("no alert on remaining TPM quota", "Tokengate:Alerts:Rules: no RemainingTokens rule",
                "add a Tokengate:Alerts:Rules entry with \"Metric\": \"RemainingTokens\" (or remove the rules to get the defaults)"));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> PtuUtilizationMonitoring(AssessmentInput input)
    {
        var ptu = input.LiveBackends.Where(b => b.Backend.Type == BackendType.Provisioned).ToList();
        if (ptu.Count == 0) return [NotApplicable("no provisioned backends", "Tokengate:Pools:*:Backends:*:Type")];
        var findings = new List<AssessmentFinding>();
        var utilization = input.Gateway.Alerts.EffectiveRules.Where(r => r.Metric == AlertMetric.Utilization).Select(r => r.Name).ToList();
        findings.Add(utilization.Count > 0
            ? Pass("an alert fires on provisioned utilization", $"Tokengate:Alerts:Rules: {string.Join(", ", utilization)}")
            : Warn("no alert on provisioned utilization", "Tokengate:Alerts:Rules: no Utilization rule",
                "add a Tokengate:Alerts:Rules entry with \"Metric\": \"Utilization\" and \"FireAt\": 90"));
        foreach (var (pool, backend) in ptu.Where(b => b.Backend.ProvisionedTokensPerMinute is null))
            findings.Add(Warn($"provisioned backend {pool}/{backend.Name} has no stated capacity: utilization comes only from Azure's header",
                $"Tokengate:Pools:{pool}:Backends:{backend.Name}:ProvisionedTokensPerMinute not set",
                "set ProvisionedTokensPerMinute to the deployment's PTU capacity in tokens per minute"));
        return findings;
    }

    internal static AssessmentFinding TelemetryExported(AssessmentInput input)
    {
        var telemetry = input.Telemetry;
        var evidence = $"Tokengate:Telemetry:MetricsAccess = {telemetry.MetricsAccess}, OtlpEndpoint = {(telemetry.OtlpEndpoint is null ? "not set" : "set")}";
        return telemetry.MetricsAccess == Telemetry.MetricsEndpointAccess.Disabled && string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint)
            ? Fail("TPM/RPM metrics leave the gateway by no route", evidence, "set Tokengate:Telemetry:OtlpEndpoint or MetricsAccess to Reader")
            : Pass("TPM, RPM, utilization and cost metrics are exported", evidence);
    }
}
