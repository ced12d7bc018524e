using Microsoft.AspNetCore.Http;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Routing;
using Tokengate.State;

namespace Tokengate.Hosting;

/// <summary>
/// <c>/readyz</c>: ready once configuration is loaded and the host is serving. Backend trouble does not make an
/// instance unready (every instance shares the same backends, so a load balancer gains nothing by pulling it);
/// it is reported in the body. Neither does losing the shared state: an instance whose Redis is unreachable keeps
/// serving on local limits and health, reports <c>"status": "degraded"</c> with <c>state.mode = "local-fallback"</c>
/// (still 200), and records waiting in the ledger spool are counted in <c>ledger.spooled</c>. Stored keys that could
/// not be re-read for longer than <see cref="KeyStoreOptions.MaxStaleness"/> show as <c>keys.stored = "stale"</c>
/// (also degraded: only configured keys work meanwhile). A pool's <c>backends</c> and <c>available</c> count the
/// backends that take live requests; its Global and Data Zone Batch deployments are <c>batchBackends</c>.
/// </summary>
internal static class Readiness
{
    public static IResult Describe(GatewayConfiguration configuration, IBackendHealth health, StateStatus state, LedgerSpool spool, ConsumerDirectory keys)
    {
        var snapshot = configuration.Current;
        var pools = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var pool in snapshot.Pools)
        {
            // Batch deployments take no live request: they are counted apart, not as capacity.
            var (live, available, batch) = (0, 0, 0);
            foreach (var backend in pool.Backends)
            {
                if (backend.IsBatchDeployment)
                {
                    batch++;
                    continue;
                }
                live++;
                if (health.IsAvailable(backend, pool)) available++;
            }
            pools[pool.Name] = new { backends = live, available, batchBackends = batch };
        }
        var stale = keys.StoredKeysStale;
        var mode = state.Provider == StateProvider.InMemory ? "local" : state.Fallback ? "local-fallback" : "shared";
        return Results.Json(new
        {
            status = state.Fallback || spool.Pending > 0 || stale ? "degraded" : "ready",
            pools,
            state = new { provider = state.Provider.ToString().ToLowerInvariant(), mode },
            ledger = new { spooled = spool.Pending },
            keys = new { stored = stale ? "stale" : "fresh", loadedAt = keys.StoredKeysLoadedAt },
        });
    }
}
