using Tokengate.Files;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Batches;

/// <summary>
/// Batches in <see cref="BatchMode.Azure"/> mode: forwarded to a Global or Data Zone Batch deployment of the pool.
/// </summary>
internal sealed class AzureBatches
{
    /// <summary>The pool's batch deployment (the first configured), or null when it has none.</summary>
    public static Backend? BatchBackend(Pool pool)
    {
        foreach (var backend in pool.Backends)
        {
            if (backend.IsBatchDeployment) return backend;
        }
        return null;
    }

    public Task<(BatchRecord? Batch, GatewayError? Error)> CreateAsync(BatchRecord batch, StoredFile file, Pool pool, CancellationToken cancellationToken) =>
        Task.FromResult<(BatchRecord?, GatewayError?)>((null, new GatewayError(501, "NotImplemented", "Azure batches are not served yet.")));

    public Task<BatchRecord> RefreshAsync(BatchRecord batch, bool force, CancellationToken cancellationToken) => Task.FromResult(batch);

    public Task<(BatchRecord? Batch, GatewayError? Error)> CancelAsync(BatchRecord batch, CancellationToken cancellationToken) =>
        Task.FromResult<(BatchRecord?, GatewayError?)>((null, new GatewayError(501, "NotImplemented", "Azure batches are not served yet.")));
}
