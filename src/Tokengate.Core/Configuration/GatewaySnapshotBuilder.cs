using System.Collections.Frozen;
using Azure.Core;
using Azure.Identity;
using Tokengate.Authorization;
using Tokengate.Identity;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary>Compiles validated options into a <see cref="GatewaySnapshot"/>.</summary>
internal sealed class GatewaySnapshotBuilder(ISecretResolver secrets, TimeProvider time, OutboundHttpClient? outbound = null)
{
    // Entra ID credentials hold token caches, and API key credentials hold which of two keys is active (rotation must
    // survive a reload): keep one per identity / backend across reloads.
    private readonly Dictionary<string, BackendCredential> _entraCredentials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiKeyBackendCredential> _apiKeyCredentials = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _credentialsLock = new();

    /// <exception cref="InvalidOperationException">A secret cannot be read; the message starts with its configuration path.</exception>
    public GatewaySnapshot Build(GatewayOptions options)
    {
        // Every secret is read before any live credential changes, so a failed build leaves the running one intact.
        var keys = ReadKeys(options);

        var priorities = Priority.PriorityPolicy.Compile(options.Priority);
        var byName = new Dictionary<string, Pool>(StringComparer.OrdinalIgnoreCase);
        var ordered = new Pool[options.Pools.Count];
        lock (_credentialsLock)
        {
            // Shared pools first, so a dedicated pool can hold the pool it overflows to (validation saw to it that
            // a dedicated pool's deployment is a pool that is not dedicated itself).
            foreach (var dedicated in (ReadOnlySpan<bool>)[false, true])
            {
                var position = 0;
                foreach (var (name, poolOptions) in options.Pools)
                {
                    var at = position++;
                    if (poolOptions.DedicatedTo is not null != dedicated) continue;
                    var backends = new Backend[poolOptions.Backends.Count];
                    for (var i = 0; i < backends.Length; i++)
                    {
                        var b = poolOptions.Backends[i];
                        backends[i] = new Backend(b, name, i, CreateCredential(b, keys));
                    }

                    var dedication = poolOptions.DedicatedTo is { } d ? Dedication(d, byName, priorities) : null;
                    // Each class's threshold in this pool: the pool's override, else the class's own, else the spillover threshold.
                    var classLimits = priorities.Ordered
                        .Select(c => poolOptions.ClassUtilizationPercent.TryGetValue(c.Name, out var own) ? own : c.ProvisionedUtilizationPercent ?? poolOptions.SpilloverUtilizationPercent)
                        .ToArray();
                    var pool = new Pool(name, backends, PriorityWeightedSelectionPolicy.Instance, poolOptions.SpilloverUtilizationPercent, classLimits, dedication);
                    ordered[at] = pool;
                    byName[name] = pool;
                    foreach (var alias in poolOptions.Aliases) byName[alias] = pool;
                }
            }

            foreach (var stale in _apiKeyCredentials.Keys.Where(n => !keys.ContainsKey(n)).ToList()) _apiKeyCredentials.Remove(stale);
        }

        return new GatewaySnapshot(byName, ordered, new ConfiguredConsumerKeyStore(options.Consumers), options,
            NetworkRules.From(options), OutboundAllowlist.From(options), AccessPolicy.Compile(options.Access, byName), priorities);
    }

    private static PoolDedication Dedication(PoolDedicationOptions options, Dictionary<string, Pool> sharedByName, Priority.PriorityPolicy priorities) => new(
        sharedByName[options.Deployment],
        options.Groups.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
        options.Overflow,
        options.OverflowPriority is { } name ? priorities.Find(name)! : priorities.Lowest);

    private Dictionary<string, (SecretValue Primary, SecretValue? Secondary)> ReadKeys(GatewayOptions options)
    {
        var keys = new Dictionary<string, (SecretValue, SecretValue?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, pool) in options.Pools)
        {
            for (var i = 0; i < pool.Backends.Count; i++)
            {
                var b = pool.Backends[i];
                if (b.Auth != BackendAuthMode.ApiKey) continue;
                var path = $"{GatewayOptions.SectionName}:Pools:{name}:Backends:{i}";
                keys[b.Name] = (Read(b.ApiKey!, $"{path}:ApiKey"), b.SecondaryApiKey is { } s ? Read(s, $"{path}:SecondaryApiKey") : null);
            }
        }
        return keys;
    }

    private SecretValue Read(string reference, string path)
    {
        try
        {
            return new SecretValue(reference, secrets.Resolve(reference));
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{path}: {ex.Message}", ex);
        }
    }

    private BackendCredential CreateCredential(BackendOptions b, Dictionary<string, (SecretValue Primary, SecretValue? Secondary)> keys) => b.Auth switch
    {
        BackendAuthMode.ApiKey => ApiKeyCredential(b, keys[b.Name]),
        BackendAuthMode.EntraId => EntraCredential(b.ManagedIdentityClientId),
        _ => NoBackendCredential.Instance,
    };

    private ApiKeyBackendCredential ApiKeyCredential(BackendOptions b, (SecretValue Primary, SecretValue? Secondary) key)
    {
        var asBearer = b.Protocol == BackendProtocol.OpenAI;
        if (_apiKeyCredentials.TryGetValue(b.Name, out var existing) && existing.AsBearer == asBearer)
        {
            existing.Update(key.Primary, key.Secondary, b.KeyRotationInterval);
            return existing;
        }
        var credential = new ApiKeyBackendCredential(b.Name, asBearer, time, key.Primary, key.Secondary, b.KeyRotationInterval);
        _apiKeyCredentials[b.Name] = credential;
        return credential;
    }

    private BackendCredential EntraCredential(string? clientId)
    {
        var key = clientId ?? "";
        if (!_entraCredentials.TryGetValue(key, out var credential))
        {
            credential = new EntraIdBackendCredential(AzureSignIn.Create(clientId, outbound), time);
            _entraCredentials[key] = credential;
        }
        return credential;
    }
}
