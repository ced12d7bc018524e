using Tokengate.Accounting;
using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.Limits;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

/// <summary>
/// Ephemeral client secrets (<c>POST …/realtime/client_secrets</c>): after authorize, refused with 403 for every
/// consumer that is metered (any token, request or concurrency limit, or budget, applies to it) and, with
/// <see cref="ClientSecretsPolicy.RefuseAll"/>, for everyone. A minted secret lets the browser open the session with
/// the backend itself (WebRTC): its media and events never pass the gateway, which could then neither meter the
/// session nor end it on a revoked key or a spent budget. Metering such sessions by wall time was not chosen: the
/// price of a realtime session is in its tokens by modality, which time does not predict, and the gateway would
/// still not see when the session ends. Unmetered consumers' requests are forwarded (pool from <c>session.model</c>).
/// </summary>
internal sealed class ClientSecretsStep(FailureAudit failures)
{
    public GatewayError? Check(GatewayRequestFeature feature, ClientSecretsPolicy policy)
    {
        var consumer = feature.Consumer!;
        var options = feature.Snapshot.Options;
        GatewayError refusal;
        if (policy == ClientSecretsPolicy.RefuseAll) refusal = RealtimeErrors.ClientSecretsRefused(forEveryone: true);
        else if (LimitScopes.For(consumer, options.Limits, null).Count > 0 || BudgetCatalog.AppliesTo(consumer, options.Budgets))
            refusal = RealtimeErrors.ClientSecretsRefused(forEveryone: false);
        else return null;
        failures.Record(FailureAudit.AuthorizationDenied, consumer.Name, feature.ClientAddress,
            $"The consumer '{consumer.Name}' may not mint realtime client secrets (Realtime:ClientSecrets is {policy}).", feature.Pool?.Name);
        return refusal;
    }
}
