using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Admin;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Settings;

/// <summary>
/// A consumer's detail and policy on the admin API: <c>GET /admin/consumers/{name}</c> (readers),
/// <c>PUT /admin/consumers/{name}/policy</c> and <c>PATCH /admin/consumers/{name}</c> (operators, and only on consumers
/// <see cref="ConsumerTargetPolicy"/> lets the caller act on).
/// </summary>
internal static class ConsumerSettingsApi
{
    public static RouteGroupBuilder MapConsumerSettings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/consumers/{name}", DetailAsync);
        admin.MapPut("/consumers/{name}/policy", PutPolicyAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapPatch("/consumers/{name}", PatchAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> DetailAsync(string name, ConsumerStore store, GatewayConfiguration configuration, PolicyView view, CancellationToken ct)
    {
        var target = await ConsumerTarget.FindAsync(name, store, configuration, ct).ConfigureAwait(false);
        return target is null ? new GatewayErrorResult(AdminErrors.NotFound($"Consumer '{name}' does not exist.")) : Detail(target, view);
    }

    private static async Task<IResult> PutPolicyAsync(HttpContext context, string name, ConsumerStore store, GatewayConfiguration configuration, ManagedSettings settings,
        PolicyView view, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<JsonObject>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        var target = await ConsumerTarget.FindAsync(name, store, configuration, ct).ConfigureAwait(false);
        var (edits, bad) = PolicyBody.Read(body!, consumer: true, target?.Name ?? name);
        var refusal = target is null ? AdminErrors.NotFound($"Consumer '{name}' does not exist.")
            : ConsumerTargetPolicy.Check(caller, target.Name, target.Roles) ?? bad;
        if (refusal is not null)
        {
            await settings.ApplyAsync(caller.Actor, "consumer.policy.updated", name, [], refusal, ct).ConfigureAwait(false);
            return new GatewayErrorResult(refusal);
        }
        var failed = await settings.ApplyAsync(caller.Actor, "consumer.policy.updated", target!.Name, edits, null, ct).ConfigureAwait(false);
        return failed is null ? Detail(target, view) : new GatewayErrorResult(failed);
    }

    private static async Task<IResult> PatchAsync(HttpContext context, string name, ConsumerAdministration administration, GatewayConfiguration configuration,
        PolicyView view, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<JsonObject>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        if (body!.Count != 1 || !body.TryGetPropertyValue("group", out var node) || (node is not null && node.GetValueKind() != System.Text.Json.JsonValueKind.String))
            return new GatewayErrorResult(AdminErrors.BadRequest("The body must be {\"group\": \"<name>\"} (or null for no group)."));
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        var result = await administration.MoveConsumerAsync(caller, name, node?.GetValue<string>(), ct).ConfigureAwait(false);
        return result.Value is { } record ? Detail(ConsumerTarget.From(record), view) : new GatewayErrorResult(result.Error!);
    }

    private static IResult Detail(ConsumerTarget target, PolicyView view) => Results.Json(new
    {
        name = target.Name,
        group = target.Group,
        roles = target.Roles,
        source = target.Source,
        created = target.Created,
        disabled = target.Disabled,
        policy = view.Policy(consumer: true, target.Name),
        sources = view.Sources(consumer: true, target.Name),
    }, SettingsJson.Options);
}
