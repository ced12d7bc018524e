using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Admin;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Settings;

/// <summary>
/// Consumer groups on the admin API: <c>GET /admin/groups</c> and <c>GET /admin/groups/{name}</c> (readers),
/// <c>POST /admin/groups</c> and <c>PUT /admin/groups/{name}/policy</c> (operators).
/// </summary>
internal static class GroupSettingsApi
{
    public static RouteGroupBuilder MapGroupSettings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/groups", ListAsync);
        admin.MapPost("/groups", CreateAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapGet("/groups/{name}", DetailAsync);
        admin.MapPut("/groups/{name}/policy", PutPolicyAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> ListAsync(GroupDirectory groups, CancellationToken ct)
    {
        var all = await groups.ListAsync(ct).ConfigureAwait(false);
        return Results.Json(new
        {
            data = all.Select(g => new { name = g.Key, description = groups.Description(g.Key), members = g.Value.Count }).ToArray(),
        }, SettingsJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, GroupDirectory groups, ManagedSettings settings, PolicyView view, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<JsonObject>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        string? name = null, description = null;
        GatewayErrorResult? bad = null;
        try
        {
            name = body!["name"]?.GetValue<string>();
            description = body["description"]?.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            bad = new GatewayErrorResult(AdminErrors.BadRequest("'name' and 'description' must be strings."));
        }
        if (bad is not null) return bad;
        var refused = ConsumerAdministration.CheckName(name, "name");
        if (refused is null && (await groups.ListAsync(ct).ConfigureAwait(false)).ContainsKey(name!))
            refused = AdminErrors.Conflict($"Group '{name}' already exists.");
        var key = PolicyParts.DescriptionKey(name ?? "");
        var edit = new SettingsEdit(key, [key], new Dictionary<string, string?> { [key] = description ?? "" }, typeof(string), "description");
        var failed = await settings.ApplyAsync(caller.Actor, "group.created", name ?? "", [edit], refused, ct).ConfigureAwait(false);
        if (failed is not null) return new GatewayErrorResult(failed);
        return await DetailResultAsync(name!, groups, view, StatusCodes.Status201Created, ct).ConfigureAwait(false);
    }

    private static Task<IResult> DetailAsync(string name, GroupDirectory groups, PolicyView view, CancellationToken ct) =>
        DetailResultAsync(name, groups, view, StatusCodes.Status200OK, ct);

    private static async Task<IResult> PutPolicyAsync(HttpContext context, string name, GroupDirectory groups, ManagedSettings settings, PolicyView view,
        ConsumerStore store, GatewayConfiguration configuration, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<JsonObject>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        // A policy may name a group before any consumer joins it (that is how a team is prepared), so the name need only be valid.
        var (edits, bad) = PolicyBody.Read(body!, consumer: false, name);
        var refused = ConsumerAdministration.CheckName(name, "name") ?? bad
            ?? await GroupTarget.CheckAsync(caller, name, groups, store, configuration, ct).ConfigureAwait(false);
        var failed = await settings.ApplyAsync(caller.Actor, "group.policy.updated", name, edits, refused, ct).ConfigureAwait(false);
        return failed is null ? await DetailResultAsync(name, groups, view, StatusCodes.Status200OK, ct).ConfigureAwait(false) : new GatewayErrorResult(failed);
    }

    private static async Task<IResult> DetailResultAsync(string name, GroupDirectory groups, PolicyView view, int status, CancellationToken ct)
    {
        var all = await groups.ListAsync(ct).ConfigureAwait(false);
        if (!all.TryGetValue(name, out var members)) return new GatewayErrorResult(AdminErrors.NotFound($"Group '{name}' does not exist."));
        var canonical = all.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
        return Results.Json(new
        {
            name = canonical,
            description = groups.Description(canonical),
            members,
            policy = view.Policy(consumer: false, canonical),
            sources = view.Sources(consumer: false, canonical),
        }, SettingsJson.Options, statusCode: status);
    }
}
