using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Audit;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Authorization;

/// <summary>
/// Step 4: may this consumer call this logical deployment and operation? It needs the <c>consumer</c> role and a
/// scope that allows both (<see cref="AccessPolicy"/>, compiled into the snapshot). Denials answer 403 naming what
/// is missing and are audited off the request path, aggregated (<see cref="FailureAudit"/>). An MCP tool must name a
/// server host the consumer's scope allows. The result is the refusal, or null when the request may go on.
/// </summary>
internal sealed class AuthorizationStep(FailureAudit failures)
{
    public GatewayError? Authorize(GatewayRequestFeature feature)
    {
        var consumer = feature.Consumer!;
        // Scopes name deployments: a group's dedicated pool is its share of the deployment it is dedicated to, so a
        // scope on either name grants it.
        var dedicated = feature.Pool!;
        var pool = dedicated.Deployment;
        var operation = feature.Route.Operation.Scope;

        if (!consumer.HasRole(Roles.Consumer))
        {
            return Deny(feature, pool.Name,
                $"The principal '{consumer.Name}' does not have the role 'consumer' needed to call models.");
        }
        if (!feature.Snapshot.Access.Allows(consumer, pool, operation)
            && (dedicated.Dedication is null || !feature.Snapshot.Access.Allows(consumer, dedicated, operation)))
        {
            var name = ScopeOperationNames.NameOf(operation);
            return Deny(feature, pool.Name,
                $"The consumer '{consumer.Name}' may not call deployment '{pool.Name}' (operation {name}).");
        }
        if (feature.Parsed.ToolsLength > 0 && feature.Snapshot.Access.McpHosts(consumer) is { } hosts
            && McpServerCheck.FirstRefused(feature.Body.Span.Slice(feature.Parsed.ToolsStart, feature.Parsed.ToolsLength), hosts) is { } refused)
        {
            return Deny(feature, pool.Name,
                $"The consumer '{consumer.Name}' may not use the MCP server '{Audit.AuditText.Cap(refused, 200)}': its host is not in the consumer's McpServerHosts.");
        }
        return null;
    }

    /// <summary>
    /// Step 4 for calls the gateway answers itself without a deployment (files, uploads, fine-tuning jobs; discovery
    /// needs no scope): classic routes need their <c>api-version</c>, and the consumer the <c>consumer</c> role and a
    /// scope that grants the operation on some deployment. Null when the call may go on.
    /// </summary>
    public GatewayError? AuthorizeUnpooled(GatewayRequestFeature feature)
    {
        var operation = feature.Route.Operation.Scope;
        if (operation == ScopeOperations.None) return null;
        if (feature.Route.Family == OpenAI.RouteFamily.AzureClassic && string.IsNullOrWhiteSpace(feature.Request.Query["api-version"])) return GatewayError.ResourceNotFound;
        var consumer = feature.Consumer!;
        var name = ScopeOperationNames.NameOf(operation);
        if (!consumer.HasRole(Roles.Consumer) || !feature.Snapshot.Access.AllowsAnywhere(consumer, operation))
            return Deny(feature, name, $"The consumer '{consumer.Name}' may not use {name} (operation {name}).");
        return null;
    }

    // The message is the reason: it names only the consumer, a configured pool and an operation, so repeats aggregate.
    private GatewayError Deny(GatewayRequestFeature feature, string target, string message)
    {
        failures.Record(FailureAudit.AuthorizationDenied, feature.Consumer!.Name, feature.ClientAddress, message, target);
        return new GatewayError(403, "PermissionDenied", message);
    }
}
