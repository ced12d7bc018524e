using Microsoft.Extensions.Options;
using Tokengate.Network;
using Tokengate.Authorization;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary>
/// Checks the whole configuration and names every bad field by its configuration path, so an operator can
/// fix all of them in one go. Used on start and again on every reload (a bad reload keeps the last good one).
/// <paramref name="oidc"/>, when given, makes scopes mandatory once bearer tokens from an issuer are accepted.
/// </summary>
internal sealed class GatewayOptionsValidator(ISecretResolver secrets, IOptions<OidcOptions>? oidc = null) : IValidateOptions<GatewayOptions>
{
    private const string Root = GatewayOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        ValidateForwarding(options.Forwarding, errors);
        ValidatePools(options, errors);
        ValidateConsumers(options, errors);
        ValidateNetwork(options.Network, errors);
        ValidateGroups(options, errors);
        ValidateOutbound(options, errors);
        ValidateSecrets(options.Secrets, errors);
        ValidateAccess(options, errors);
        ValidatePriority(options.Priority, errors);
        ValidateServiceTiers(options, errors);
        UsageOptionsValidation.Validate(options, errors);
        Batches.BatchesOptionsValidation.Validate(options, errors);
        Screening.ScreeningOptionsValidation.Validate(options, errors);
        Screening.BuiltIn.BuiltInDetectorOptionsValidation.Validate(options, errors);
        Screening.Onnx.OnnxDetectorOptionsValidation.Validate(options, errors);
        Screening.PromptShields.PromptShieldsOptionsValidation.Validate(options, secrets, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateForwarding(ForwardingOptions f, List<string> errors)
    {
        const string P = Root + ":Forwarding";
        if (f.MaxAttempts is < 1 or > 16) errors.Add($"{P}:MaxAttempts: must be between 1 and 16 (was {f.MaxAttempts}).");
        Positive(f.Deadline, $"{P}:Deadline", errors);
        Positive(f.AttemptTimeout, $"{P}:AttemptTimeout", errors);
        Positive(f.ConnectTimeout, $"{P}:ConnectTimeout", errors);
        Positive(f.DefaultCooldown, $"{P}:DefaultCooldown", errors);
        Positive(f.MaxCooldown, $"{P}:MaxCooldown", errors);
        Positive(f.BreakerOpenDuration, $"{P}:BreakerOpenDuration", errors);
        Positive(f.UtilizationReadingLifetime, $"{P}:UtilizationReadingLifetime", errors);
        Positive(f.BreakerSamplingDuration, $"{P}:BreakerSamplingDuration", errors);
        if (f.BreakerFailureRatio is < 0.01 or > 1 || double.IsNaN(f.BreakerFailureRatio))
            errors.Add($"{P}:BreakerFailureRatio: must be between 0.01 and 1 (was {f.BreakerFailureRatio.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        if (f.BreakerMinimumThroughput < 1) errors.Add($"{P}:BreakerMinimumThroughput: must be at least 1 (was {f.BreakerMinimumThroughput}).");
        if (f.MaxRequestBodyBytes is < 1024 or > 1L << 30) errors.Add($"{P}:MaxRequestBodyBytes: must be between 1024 and 1073741824 (was {f.MaxRequestBodyBytes}).");
        if (f.MaxUploadBytes is < 1024 or > 1L << 30) errors.Add($"{P}:MaxUploadBytes: must be between 1024 and 1073741824 (was {f.MaxUploadBytes}).");
    }

    private void ValidatePools(GatewayOptions options, List<string> errors)
    {
        if (options.Pools.Count == 0)
        {
            errors.Add($"{Root}:Pools: at least one pool (logical deployment) is required.");
            return;
        }

        var logicalNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var backendNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (poolName, pool) in options.Pools)
        {
            var p = $"{Root}:Pools:{poolName}";
            if (!logicalNames.Add(poolName)) errors.Add($"{p}: the name is used twice.");
            foreach (var alias in pool.Aliases)
            {
                if (string.IsNullOrWhiteSpace(alias)) errors.Add($"{p}:Aliases: an alias is empty.");
                else if (!logicalNames.Add(alias)) errors.Add($"{p}:Aliases: '{alias}' is already the name or alias of another pool.");
            }

            if (!string.Equals(pool.SelectionPolicy, "priority-weighted", StringComparison.OrdinalIgnoreCase))
                errors.Add($"{p}:SelectionPolicy: unknown policy '{pool.SelectionPolicy}' (known: priority-weighted).");
            if (pool.SpilloverUtilizationPercent is < 0 or > 1000)
                errors.Add($"{p}:SpilloverUtilizationPercent: must be between 0 and 1000 (was {pool.SpilloverUtilizationPercent}).");
            var classes = options.Priority.EffectiveClasses;
            foreach (var (className, percent) in pool.ClassUtilizationPercent)
            {
                if (!classes.Contains(className, StringComparer.OrdinalIgnoreCase))
                    errors.Add($"{p}:ClassUtilizationPercent:{className}: '{className}' is not one of the priority classes ({string.Join(", ", classes)}).");
                if (percent is < 0 or > 1000 || double.IsNaN(percent))
                    errors.Add($"{p}:ClassUtilizationPercent:{className}: must be between 0 and 1000 (was {percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            }
            if (pool.Backends.Count is 0 or > 64)
                errors.Add($"{p}:Backends: a pool needs 1 to 64 backends (has {pool.Backends.Count}).");

            for (var i = 0; i < pool.Backends.Count; i++)
                ValidateBackend(pool.Backends[i], $"{p}:Backends:{i}", backendNames, errors);
        }
        ValidateDedications(options, errors);
    }

    /// <summary>
    /// A dedicated pool names a shared pool that exists and is not dedicated itself, at least one group, no group
    /// already bound to another pool for the same shared pool, and an overflow class that exists.
    /// </summary>
    private static void ValidateDedications(GatewayOptions options, List<string> errors)
    {
        var byAlias = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (poolName, pool) in options.Pools)
        {
            byAlias.TryAdd(poolName, poolName);
            foreach (var alias in pool.Aliases) byAlias.TryAdd(alias, poolName);
        }

        var classes = options.Priority.EffectiveClasses;
        var bound = new Dictionary<(string Shared, string Group), string>();
        foreach (var (poolName, pool) in options.Pools)
        {
            if (pool.DedicatedTo is not { } d) continue;
            var p = $"{Root}:Pools:{poolName}:DedicatedTo";
            string? shared = null;
            if (string.IsNullOrWhiteSpace(d.Deployment))
                errors.Add($"{p}:Deployment: required: the name or alias of the shared pool whose deployment name this pool serves.");
            else if (!byAlias.TryGetValue(d.Deployment, out shared))
                errors.Add($"{p}:Deployment: '{d.Deployment}' is not a pool name or alias.");
            else if (string.Equals(shared, poolName, StringComparison.OrdinalIgnoreCase))
                errors.Add($"{p}:Deployment: '{d.Deployment}' is this pool; name the shared pool.");
            else if (options.Pools[shared].DedicatedTo is not null)
                errors.Add($"{p}:Deployment: '{d.Deployment}' is a dedicated pool itself; name the shared pool.");

            if (d.Groups.Count == 0) errors.Add($"{p}:Groups: name at least one consumer group.");
            foreach (var group in d.Groups)
            {
                if (string.IsNullOrWhiteSpace(group))
                {
                    errors.Add($"{p}:Groups: a group is empty.");
                    continue;
                }
                if (shared is null) continue;
                var key = (shared.ToUpperInvariant(), group.ToUpperInvariant());
                if (bound.TryGetValue(key, out var other))
                    errors.Add($"{p}:Groups: the group '{group}' is already bound to the pool '{other}' for the deployment '{shared}'.");
                else
                    bound[key] = poolName;
            }

            if (d.OverflowPriority is { } overflowClass && !classes.Contains(overflowClass, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{p}:OverflowPriority: '{overflowClass}' is not one of the classes ({string.Join(", ", classes)}).");
        }
    }

    private void ValidateBackend(BackendOptions b, string p, HashSet<string> names, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(b.Name)) errors.Add($"{p}:Name: required.");
        else if (!names.Add(b.Name)) errors.Add($"{p}:Name: '{b.Name}' is used by another backend; names must be unique.");

        if (!Uri.TryCreate(b.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{p}:Endpoint: must be an absolute http or https URL (was '{b.Endpoint}').");
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            errors.Add($"{p}:Endpoint: must not have a query or fragment.");

        if (b.Deployment is not null && string.IsNullOrWhiteSpace(b.Deployment)) errors.Add($"{p}:Deployment: must not be empty when given.");
        if (b.ProvisionedTokensPerMinute is { } capacity)
        {
            if (b.Type != BackendType.Provisioned) errors.Add($"{p}:ProvisionedTokensPerMinute: only used for Provisioned backends (Type is {b.Type}).");
            else if (capacity < 1) errors.Add($"{p}:ProvisionedTokensPerMinute: must be at least 1 when given (was {capacity}).");
        }
        if (b.Priority is < 0 or > 100) errors.Add($"{p}:Priority: must be between 0 and 100 (was {b.Priority}).");
        if (b.Weight is < 1 or > 1000) errors.Add($"{p}:Weight: must be between 1 and 1000 (was {b.Weight}).");
        if (b.Protocol == BackendProtocol.AzureOpenAI && string.IsNullOrWhiteSpace(b.ApiVersion)) errors.Add($"{p}:ApiVersion: required for Azure OpenAI backends.");

        switch (b.Auth)
        {
            case BackendAuthMode.ApiKey when string.IsNullOrWhiteSpace(b.ApiKey):
                errors.Add($"{p}:ApiKey: required when Auth is ApiKey; give a secret reference such as 'env:AZURE_OPENAI_KEY'.");
                break;
            case BackendAuthMode.ApiKey:
                if (secrets.Check(b.ApiKey!) is { } problem) errors.Add($"{p}:ApiKey: {problem}");
                ValidateSecondaryKey(b, p, errors);
                break;
            case BackendAuthMode.EntraId when b.Protocol != BackendProtocol.AzureOpenAI:
                errors.Add($"{p}:Auth: EntraId works only with the AzureOpenAI protocol.");
                break;
            default:
                if (b.ApiKey is not null) errors.Add($"{p}:ApiKey: only used when Auth is ApiKey (Auth is {b.Auth}).");
                break;
        }
        if (b.Auth != BackendAuthMode.ApiKey && b.SecondaryApiKey is not null) errors.Add($"{p}:SecondaryApiKey: only used when Auth is ApiKey (Auth is {b.Auth}).");
        if (b.Auth != BackendAuthMode.ApiKey && b.KeyRotationInterval is not null) errors.Add($"{p}:KeyRotationInterval: only used when Auth is ApiKey (Auth is {b.Auth}).");
    }

    private void ValidateSecondaryKey(BackendOptions b, string p, List<string> errors)
    {
        if (b.SecondaryApiKey is { } secondary)
        {
            if (string.IsNullOrWhiteSpace(secondary)) errors.Add($"{p}:SecondaryApiKey: must not be empty when given.");
            else if (string.Equals(secondary, b.ApiKey, StringComparison.Ordinal)) errors.Add($"{p}:SecondaryApiKey: must name a different secret than ApiKey.");
            else if (secrets.Check(secondary) is { } problem) errors.Add($"{p}:SecondaryApiKey: {problem}");
        }
        if (b.KeyRotationInterval is { } interval)
        {
            if (b.SecondaryApiKey is null) errors.Add($"{p}:KeyRotationInterval: needs SecondaryApiKey (there is no other key to rotate to).");
            if (interval < TimeSpan.FromMinutes(1)) errors.Add($"{p}:KeyRotationInterval: must be at least one minute, such as '30.00:00:00' (was {interval}).");
        }
    }

    private static void ValidateNetwork(NetworkOptions network, List<string> errors)
    {
        IpRanges(network.AllowedIpRanges, $"{Root}:Network:AllowedIpRanges", errors);
        IpRanges(network.TrustedProxies, $"{Root}:Network:TrustedProxies", errors);
        foreach (var (name, consumer) in network.Consumers) IpRanges(consumer.AllowedIpRanges, $"{Root}:Network:Consumers:{name}:AllowedIpRanges", errors);
    }

    private static void ValidateGroups(GatewayOptions options, List<string> errors)
    {
        foreach (var (name, group) in options.Groups)
        {
            if (group.Description is { Length: > 500 }) errors.Add($"{Root}:Groups:{name}:Description: at most 500 characters (has {group.Description.Length}).");
        }
    }

    private static void ValidateOutbound(GatewayOptions options, List<string> errors)
    {
        const string P = Root + ":Outbound:AllowedHosts";
        var hosts = options.Outbound.AllowedHosts;
        var patternsValid = true;
        for (var i = 0; i < hosts.Count; i++)
        {
            if (OutboundAllowlist.CheckPattern(hosts[i]) is { } problem)
            {
                errors.Add($"{P}:{i}: {problem}");
                patternsValid = false;
            }
        }
        if (hosts.Count == 0 || !patternsValid) return;

        var allowlist = OutboundAllowlist.From(options);
        foreach (var (path, host) in OutboundAllowlist.ConfiguredHosts(options))
        {
            if (!allowlist.Allows(host)) errors.Add($"{path}: host '{host}' is not in {P}.");
        }
    }

    private static void ValidateSecrets(SecretsOptions s, List<string> errors)
    {
        const string P = Root + ":Secrets";
        if (string.IsNullOrWhiteSpace(s.FilePath)) errors.Add($"{P}:FilePath: must not be empty.");
        if (string.IsNullOrWhiteSpace(s.KeyPath) && s.KeyEnvironmentVariable is null) errors.Add($"{P}:KeyPath: must not be empty unless KeyEnvironmentVariable is set.");
        if (s.KeyEnvironmentVariable is not null && string.IsNullOrWhiteSpace(s.KeyEnvironmentVariable)) errors.Add($"{P}:KeyEnvironmentVariable: must not be empty when given.");
    }

    private static void IpRanges(List<string> ranges, string path, List<string> errors)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (!IpRangeSet.TryParseRange(ranges[i], out _))
                errors.Add($"{path}:{i}: '{ranges[i]}' is not a CIDR range such as '10.0.0.0/8' or '2001:db8::/32' (with no bits set past the prefix), nor a single address.");
        }
    }

    private static void ValidateConsumers(GatewayOptions options, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, consumer) in options.Consumers)
        {
            var p = $"{Root}:Consumers:{name}";
            foreach (var role in consumer.Roles)
            {
                if (!Identity.Roles.All.Contains(role, StringComparer.OrdinalIgnoreCase))
                    errors.Add($"{p}:Roles: unknown role '{role}' (known: {string.Join(", ", Identity.Roles.All)}).");
            }
            if (consumer.Group is not null && string.IsNullOrWhiteSpace(consumer.Group))
                errors.Add($"{p}:Group: must not be empty when given.");
            if (consumer.KeyHashes.Count is 0 or > 2)
                errors.Add($"{p}:KeyHashes: a consumer has one or two active keys (has {consumer.KeyHashes.Count}).");
            for (var i = 0; i < consumer.KeyHashes.Count; i++)
            {
                var hash = consumer.KeyHashes[i];
                if (!Identity.KeyHash.TryParse(hash, out _))
                    errors.Add($"{p}:KeyHashes:{i}: must be 'sha256:' followed by 64 hex digits; plain keys are not accepted.");
                else if (!seen.Add(hash.ToLowerInvariant()))
                    errors.Add($"{p}:KeyHashes:{i}: this key hash is already listed (for this or another consumer).");
            }
            IpRanges(consumer.AllowedIpRanges, $"{p}:AllowedIpRanges", errors);
        }
    }

    private static void ValidatePriority(Priority.PriorityOptions priority, List<string> errors)
    {
        const string P = Root + ":Priority";
        var classes = priority.EffectiveClasses;
        if (classes.Any(string.IsNullOrWhiteSpace)) errors.Add($"{P}:Classes: class names must not be empty.");
        if (classes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != classes.Count) errors.Add($"{P}:Classes: each class must be named once.");
        bool Known(string name) => classes.Contains(name, StringComparer.OrdinalIgnoreCase);
        if (!Known(priority.EffectiveDefault)) errors.Add($"{P}:Default: '{priority.EffectiveDefault}' is not one of the classes ({string.Join(", ", classes)}).");
        foreach (var (name, value) in priority.Consumers)
        {
            if (!Known(value)) errors.Add($"{P}:Consumers:{name}: '{value}' is not one of the classes ({string.Join(", ", classes)}).");
        }
        foreach (var (name, value) in priority.Groups)
        {
            if (!Known(value)) errors.Add($"{P}:Groups:{name}: '{value}' is not one of the classes ({string.Join(", ", classes)}).");
        }
        if (string.IsNullOrWhiteSpace(priority.Header)) errors.Add($"{P}:Header: must name a header.");
        if (string.IsNullOrWhiteSpace(priority.MaxWaitHeader)) errors.Add($"{P}:MaxWaitHeader: must name a header.");
        foreach (var (name, policy) in priority.Policies)
        {
            var p = $"{P}:Policies:{name}";
            if (!Known(name)) errors.Add($"{p}: '{name}' is not one of the classes ({string.Join(", ", classes)}).");
            if (policy.ProvisionedUtilizationPercent is { } percent && (percent is < 0 or > 1000 || double.IsNaN(percent)))
                errors.Add($"{p}:ProvisionedUtilizationPercent: must be between 0 and 1000 (was {percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            if (policy.MaxWait is { } wait && (wait < TimeSpan.Zero || wait > TimeSpan.FromMinutes(10)))
                errors.Add($"{p}:MaxWait: must be between 0 and 00:10:00 (was {wait}).");
            if (policy.MaxQueuedPerConsumer is { } queued && queued is < 1 or > 10_000)
                errors.Add($"{p}:MaxQueuedPerConsumer: must be between 1 and 10000 (was {queued}).");
            if (policy.WhenFull is { } whenFull && !Enum.IsDefined(whenFull)) errors.Add($"{p}:WhenFull: must be Spill or Wait.");
        }
    }

    /// <summary>Backends map known priority classes to known tiers; consumers may ask only for known tiers.</summary>
    private static void ValidateServiceTiers(GatewayOptions options, List<string> errors)
    {
        var classes = options.Priority.EffectiveClasses;
        var known = string.Join(", ", Priority.ServiceTierNames.Known);
        foreach (var (poolName, pool) in options.Pools)
        {
            for (var i = 0; i < pool.Backends.Count; i++)
            {
                foreach (var (className, tier) in pool.Backends[i].ServiceTiers)
                {
                    var p = $"{Root}:Pools:{poolName}:Backends:{i}:ServiceTiers:{className}";
                    if (!classes.Contains(className, StringComparer.OrdinalIgnoreCase))
                        errors.Add($"{p}: '{className}' is not a priority class ({string.Join(", ", classes)}).");
                    if (!Priority.ServiceTierNames.IsKnown(tier))
                        errors.Add($"{p}: '{tier}' is not a service tier ({known}).");
                }
            }
        }
        foreach (var (name, consumer) in options.Consumers)
        {
            foreach (var tier in consumer.AllowedServiceTiers)
            {
                if (!Priority.ServiceTierNames.IsKnown(tier))
                    errors.Add($"{Root}:Consumers:{name}:AllowedServiceTiers: '{tier}' is not a service tier ({known}).");
            }
        }
    }

    private void ValidateAccess(GatewayOptions options, List<string> errors)
    {
        const string P = Root + ":Access";
        var access = options.Access;
        if (access.IsUnscoped && oidc?.Value.Enabled == true)
        {
            errors.Add($"{P}: scopes are required when {OidcOptions.SectionName} accepts bearer tokens (any application the issuer " +
                "serves could otherwise call every deployment); give Groups, Consumers or Default.");
        }
        foreach (var (name, scope) in access.Groups) ValidateScope(scope, $"{P}:Groups:{name}", options, errors);
        foreach (var (name, scope) in access.Consumers) ValidateScope(scope, $"{P}:Consumers:{name}", options, errors);
        if (access.Default is { } fallback) ValidateScope(fallback, $"{P}:Default", options, errors);
    }

    private static void ValidateScope(ScopeOptions scope, string p, GatewayOptions options, List<string> errors)
    {
        foreach (var deployment in scope.Deployments)
        {
            if (deployment != "*" && !options.Pools.ContainsKey(deployment)
                && !options.Pools.Values.Any(pool => pool.Aliases.Contains(deployment, StringComparer.OrdinalIgnoreCase)))
                errors.Add($"{p}:Deployments: '{deployment}' is not a pool name or alias (or '*').");
        }
        foreach (var operation in scope.Operations)
        {
            if (!ScopeOperationNames.TryParse(operation, out _))
                errors.Add($"{p}:Operations: unknown operation '{operation}' (known: {string.Join(", ", ScopeOperationNames.Known)}).");
        }
        foreach (var host in scope.McpServerHosts ?? [])
        {
            if (Network.OutboundAllowlist.CheckPattern(host) is { } problem) errors.Add($"{p}:McpServerHosts: {problem}");
        }
        if (scope.Deployments.Count > 0 && scope.Operations.Count == 0)
            errors.Add($"{p}:Operations: name at least one operation (or '*') for the deployments given.");
        if (scope.Operations.Count > 0 && scope.Deployments.Count == 0)
            errors.Add($"{p}:Deployments: name at least one deployment (or '*') for the operations given.");
    }

    private static void Positive(TimeSpan value, string path, List<string> errors)
    {
        if (value <= TimeSpan.Zero) errors.Add($"{path}: must be a positive duration such as '00:00:30' (was {value}).");
    }
}
