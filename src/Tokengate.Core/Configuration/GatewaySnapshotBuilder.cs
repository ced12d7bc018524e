using Azure.Core;
using Azure.Identity;
using Tokengate.Identity;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary>Compiles validated options into a <see cref="GatewaySnapshot"/>.</summary>
internal sealed class GatewaySnapshotBuilder(ISecretResolver secrets, TimeProvider time)
{
    // Entra ID credentials hold token caches; keep one per identity across reloads.
    private readonly Dictionary<string, BackendCredential> _entraCredentials = new(StringComparer.Ordinal);
    private readonly Lock _entraLock = new();

    public GatewaySnapshot Build(GatewayOptions options)
    {
        var byName = new Dictionary<string, Pool>(StringComparer.OrdinalIgnoreCase);
        var pools = new List<Pool>(options.Pools.Count);
        foreach (var (name, poolOptions) in options.Pools)
        {
            var backends = new Backend[poolOptions.Backends.Count];
            for (var i = 0; i < backends.Length; i++)
            {
                var b = poolOptions.Backends[i];
                backends[i] = new Backend(b, name, i, CreateCredential(b));
            }

            var pool = new Pool(name, backends, PriorityWeightedSelectionPolicy.Instance, poolOptions.SpilloverUtilizationPercent);
            pools.Add(pool);
            byName[name] = pool;
            foreach (var alias in poolOptions.Aliases) byName[alias] = pool;
        }

        return new GatewaySnapshot(byName, pools, new ConfiguredConsumerKeyStore(options.Consumers), options);
    }

    private BackendCredential CreateCredential(BackendOptions b) => b.Auth switch
    {
        BackendAuthMode.ApiKey => new ApiKeyBackendCredential(b.ApiKey!, secrets.Resolve(b.ApiKey!), asBearer: b.Protocol == BackendProtocol.OpenAI),
        BackendAuthMode.EntraId => EntraCredential(b.ManagedIdentityClientId),
        _ => NoBackendCredential.Instance,
    };

    private BackendCredential EntraCredential(string? clientId)
    {
        lock (_entraLock)
        {
            var key = clientId ?? "";
            if (!_entraCredentials.TryGetValue(key, out var credential))
            {
                TokenCredential inner = clientId is null
                    ? new DefaultAzureCredential()
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                credential = new EntraIdBackendCredential(inner, time);
                _entraCredentials[key] = credential;
            }
            return credential;
        }
    }
}
