using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Accounting;
using Tokengate.Affinity;
using Tokengate.Audit;
using Tokengate.Authorization;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.Limits;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Proxy;
using Tokengate.Screening;
using Tokengate.Tokens;

namespace Tokengate.Batches;

/// <summary>
/// Runs one line of a gateway-run batch through the same steps as a live call (parse, authorize, screen under the
/// owner's policy, admit at the lowest priority class, forward with failover, settle) with a buffered answer instead of an HTTP response. The line's
/// ledger record is left on <see cref="BatchLineRun.Record"/> for the runner to write with the result.
/// </summary>
internal sealed class BatchLineExecutor(
    GatewayConfiguration configuration, ResponseAffinity affinity, FailureAudit failures, TokenCounter counter, ILimitStore limits,
    IBudgetStore budgets, ScreenStep screen, Forwarder forwarder, SettleStep settle, TimeProvider time)
{
    private readonly ParseStep _parse = new(affinity);
    private readonly AuthorizationStep _authorize = new(failures);
    private readonly AdmissionStep _admit = new(counter, limits, budgets, time);

    /// <summary>The operation a line's <c>url</c> names, or null for one a batch cannot run.</summary>
    public static OperationDescriptor? OperationFor(string url) => url switch
    {
        "/v1/chat/completions" or "/chat/completions" => OperationRegistry.ChatCompletions,
        "/v1/responses" or "/responses" => OperationRegistry.ResponsesCreate,
        "/v1/embeddings" or "/embeddings" => OperationRegistry.Embeddings,
        "/v1/completions" or "/completions" => OperationRegistry.Completions,
        _ => null,
    };

    /// <summary>Runs the line; the answer (or the gateway's refusal) is in the returned sink, the ledger record on <paramref name="run"/>.</summary>
    public async Task<BufferedResponseSink> RunAsync(BatchRecord batch, BatchLineRun run, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var operation = OperationFor(batch.Endpoint)!;
        var snapshot = configuration.Current;
        var headers = new HeaderDictionary
        {
            // Batch work runs at the lowest class: it is the first to wait and never takes headroom from live traffic.
            [snapshot.Priorities.Header] = snapshot.Options.Priority.EffectiveClasses[^1],
            ["Content-Type"] = "application/json",
        };
        using var feature = new GatewayRequestFeature(new GatewayRoute(operation, RouteFamily.OpenAI), snapshot, time.GetTimestamp())
        {
            Request = new RequestEnvelope("POST", new PathString(batch.Endpoint.StartsWith("/v1/", StringComparison.Ordinal) ? batch.Endpoint : "/v1" + batch.Endpoint),
                headers, new RouteValueDictionary(), QueryCollection.Empty, "application/json"),
            Consumer = new Consumer(batch.Consumer, batch.Group, new HashSet<string>(batch.Roles, StringComparer.OrdinalIgnoreCase)),
            BatchLine = run,
        };
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.Span.CopyTo(rented);
        feature.SetBody(rented, body.Length);

        var sink = new BufferedResponseSink(cancellationToken);
        if ((await _parse.ResolveAsync(feature, cancellationToken).ConfigureAwait(false) ?? _authorize.Authorize(feature)) is { } refused)
        {
            await refused.WriteAsync(sink).ConfigureAwait(false);
            return sink;
        }
        try
        {
            // A line is screened like a live request of its owner: a block is the line's answer (in the error file).
            if ((await screen.ScreenAsync(feature, cancellationToken).ConfigureAwait(false)
                ?? await _admit.AdmitAsync(feature, cancellationToken).ConfigureAwait(false)) is { } notAdmitted)
                await notAdmitted.WriteAsync(sink).ConfigureAwait(false);
            else
                await forwarder.ForwardAsync(feature, sink).ConfigureAwait(false);
        }
        finally
        {
            await settle.SettleAsync(feature, sink.StatusCode).ConfigureAwait(false);
        }
        return sink;
    }
}
