using Microsoft.AspNetCore.Http;
using Tokengate.Affinity;
using Tokengate.Hosting;
using Tokengate.Media;
using Tokengate.Operations;
using Tokengate.Routing;

namespace Tokengate.OpenAI;

/// <summary>
/// Step 3, once the body is in (<see cref="ParseMiddleware"/> reads it at the HTTP edge): checks the classic routes'
/// <c>api-version</c>, reads the fields the gateway needs, and resolves the logical deployment to its pool: from the
/// route or the body's <c>model</c>, or, for a call on a stored response, from the response's record, which also pins
/// the request to the backend that holds it. A stored id the consumer does not own is answered exactly as one that
/// does not exist. The result is the refusal, or null when the request may go on.
/// </summary>
internal sealed class ParseStep(ResponseAffinity affinity)
{
    public async ValueTask<GatewayError?> ResolveAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var route = feature.Route;
        var request = feature.Request;
        if (route.Family == RouteFamily.AzureClassic)
        {
            var apiVersion = request.Query["api-version"];
            if (apiVersion.Count != 1 || string.IsNullOrWhiteSpace(apiVersion[0])) return GatewayError.ResourceNotFound;
            feature.ApiVersion = apiVersion[0];
        }

        var operation = route.Operation;
        if (operation.Body == BodyKind.Json)
        {
            if (!RequestBodyParser.TryParse(feature.Body.Span, out feature.Parsed, out var error)) return GatewayError.InvalidBody(error!);
        }
        else if (operation.Body == BodyKind.Multipart)
        {
            if (MediaRequests.ReadForm(feature) is { } refused) return refused;
        }
        else
        {
            // A stored response's stream is resumed with GET ...?stream=true.
            var stream = operation.Body == BodyKind.None && string.Equals(request.Query["stream"], "true", StringComparison.OrdinalIgnoreCase);
            feature.Parsed = new ParsedRequest { N = 1, Stream = stream };
        }

        if (operation.Deployment == DeploymentSource.SessionModel && !Realtime.ClientSecretRequest.TryReadSessionModel(feature.Body.Span, ref feature.Parsed))
            return Realtime.RealtimeErrors.MissingSessionModel;
        if (operation.Deployment == DeploymentSource.StoredId) return await ResolveStoredAsync(feature, cancellationToken).ConfigureAwait(false);

        ReadOnlySpan<char> deployment;
        if (operation.Deployment == DeploymentSource.PathOrModel && route.Family == RouteFamily.AzureClassic)
            deployment = (request.RouteValues["deployment"] as string).AsSpan();
        else if (operation.Deployment == DeploymentSource.Query)
        {
            var parameter = route.Family == RouteFamily.AzureClassic ? "deployment" : "model";
            deployment = request.Query[parameter].ToString();
            if (deployment.IsEmpty) return GatewayError.MissingQueryDeployment(parameter);
        }
        else if (feature.Parsed.Model is { Length: > 0 } model)
            deployment = model;
        else
            return GatewayError.MissingModel;

        // A consumer whose group has its own pool for this name gets that pool; a dedicated pool's own name exists
        // only for its groups.
        if (!feature.Snapshot.TryResolvePool(deployment, feature.Consumer?.Group, out var pool)) return GatewayError.DeploymentNotFound;
        feature.Pool = pool;
        if (!AnyCanServe(pool, operation)) return GatewayError.OperationNotServed(operation.Name, pool.Name);
        return operation.Affinity == AffinityRole.Creates ? await ResolveContinuedAsync(feature, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>A call on a stored response: its owner's only, on the pool and backend that hold it.</summary>
    private async ValueTask<GatewayError?> ResolveStoredAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var id = feature.Request.RouteValues["id"] as string;
        var record = await affinity.FindOwnedAsync(id, feature.Consumer!, cancellationToken).ConfigureAwait(false);
        if (record is null || !TryPin(feature, record)) return AffinityErrors.ResponseNotFound(id);
        feature.StoredId = id;
        feature.StoredChainTokens = record.ChainTokens;
        return null;
    }

    /// <summary>
    /// A new response that continues a stored one (<c>previous_response_id</c>) goes where the chain lives; one that
    /// is not stored and continues nothing is free to go anywhere.
    /// </summary>
    private async ValueTask<GatewayError?> ResolveContinuedAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        if (feature.Parsed.PreviousResponseId is not { } previous) return null;
        var record = await affinity.FindOwnedAsync(previous, feature.Consumer!, cancellationToken).ConfigureAwait(false);
        // A dedicated pool's request that overflowed stored its response in the shared pool: the chain goes on there.
        var required = feature.Pool!.Dedication is { } dedication && string.Equals(record?.Pool, dedication.Shared.Name, StringComparison.OrdinalIgnoreCase)
            ? dedication.Shared
            : feature.Pool;
        if (record is null || !TryPin(feature, record, requiredPool: required))
        {
            return record is not null && !string.Equals(record.Pool, feature.Pool!.Name, StringComparison.OrdinalIgnoreCase)
                ? AffinityErrors.DifferentBackends(previous, record.Pool, feature.Pool!.Name)
                : AffinityErrors.PreviousResponseNotFound(previous);
        }
        feature.ContinuedChainTokens = record.ChainTokens;
        return null;
    }

    // A loop, not LINQ: this runs for every request.
    private static bool AnyCanServe(Pool pool, OperationDescriptor operation)
    {
        var backends = pool.Backends;
        for (var i = 0; i < backends.Count; i++)
        {
            if (backends[i].CanServe(operation)) return true;
        }
        return false;
    }

    /// <summary>Pins the request to the record's backend; false when that backend is no longer configured (or not in <paramref name="requiredPool"/>).</summary>
    private static bool TryPin(GatewayRequestFeature feature, AffinityRecord record, Pool? requiredPool = null)
    {
        var pool = requiredPool;
        if (pool is null && !feature.Snapshot.TryGetPool(record.Pool, out pool)) return false;
        if (!string.Equals(pool.Name, record.Pool, StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var backend in pool.Backends)
        {
            if (!string.Equals(backend.Name, record.Backend, StringComparison.OrdinalIgnoreCase)) continue;
            feature.Pool = pool;
            feature.PinnedBackend = backend;
            return true;
        }
        return false;
    }
}
