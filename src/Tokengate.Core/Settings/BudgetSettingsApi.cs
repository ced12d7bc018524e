using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Admin;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Settings;

/// <summary>
/// Budgets on the admin API: <c>GET /admin/budgets</c> (readers) lists every budget in force with its spend;
/// <c>PUT</c> and <c>DELETE /admin/budgets/{scope}/{name}/{period}</c> (operators) create, replace or remove one budget
/// of a consumer or group in the managed settings. A budget comes into force before the answer, seeded with what was
/// already spent in its period, so one set below that spend refuses the next request.
/// </summary>
internal static class BudgetSettingsApi
{
    private static readonly string[] Fields = ["amount", "unit", "alertPercents", "overBudget", "throttleRequestsPerMinute"];

    public static RouteGroupBuilder MapBudgetSettings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/budgets", (PolicyView view) => Results.Json(new { data = view.AllBudgets().ToArray() }, SettingsJson.Options));
        admin.MapPut("/budgets/{scope}/{name}/{period}", PutAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapDelete("/budgets/{scope}/{name}/{period}", DeleteAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string scope, string name, string period, ConsumerStore store, GatewayConfiguration configuration,
        GroupDirectory groups, ManagedSettings settings, PolicyView view, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<JsonObject>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        var (consumer, budgetPeriod, refused) = await TargetAsync(caller, scope, name, period, store, configuration, groups, ct).ConfigureAwait(false);
        if (refused is null && body!.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            refused = AdminErrors.BadRequest($"Unknown budget field '{unknown}'; a budget has {string.Join(", ", Fields)}.");
        if (refused is null && body!["amount"] is null) refused = AdminErrors.BadRequest("'amount' is required.");

        var key = PolicyParts.Key(PolicyParts.Budgets, consumer, name);
        var kept = refused is null ? Existing(configuration, consumer, name).Where(b => b.Period != budgetPeriod).ToList() : [];
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < kept.Count; i++) Write(values, $"{key}:{i}", kept[i]);
        if (refused is null)
        {
            var at = $"{key}:{kept.Count}";
            SettingsKeys.Flatten(at, JsonSerializer.SerializeToElement(body), values);
            values[$"{at}:Period"] = budgetPeriod.ToString();
        }
        var edit = new SettingsEdit(key, PolicyParts.OwnedBy(PolicyParts.Budgets, consumer, name), values, typeof(List<BudgetOptions>), $"{period} budget");
        var failed = await settings.ApplyAsync(caller.Actor, "budget.set", $"{scope}:{name}:{period}", [edit], refused, ct).ConfigureAwait(false);
        if (failed is not null) return new GatewayErrorResult(failed);
        var budget = view.Budgets(consumer, name).FirstOrDefault(b => b.Period == budgetPeriod);
        return Results.Json(budget, SettingsJson.Options);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string scope, string name, string period, ConsumerStore store, GatewayConfiguration configuration,
        GroupDirectory groups, ManagedSettings settings, CancellationToken ct)
    {
        var caller = await ConsumerAdminApi.CallerAsync(context, ct).ConfigureAwait(false);
        var (consumer, budgetPeriod, refused) = await TargetAsync(caller, scope, name, period, store, configuration, groups, ct).ConfigureAwait(false);
        var existing = refused is null ? Existing(configuration, consumer, name) : [];
        if (refused is null && !existing.Any(b => b.Period == budgetPeriod))
            refused = AdminErrors.NotFound($"The {scope} '{name}' has no {period} budget.");
        var key = PolicyParts.Key(PolicyParts.Budgets, consumer, name);
        var kept = existing.Where(b => b.Period != budgetPeriod).ToList();
        Dictionary<string, string?>? values = null;
        if (kept.Count > 0)
        {
            values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < kept.Count; i++) Write(values, $"{key}:{i}", kept[i]);
        }
        var edit = new SettingsEdit(key, PolicyParts.OwnedBy(PolicyParts.Budgets, consumer, name), values, typeof(List<BudgetOptions>), $"{period} budget");
        var failed = await settings.ApplyAsync(caller.Actor, "budget.removed", $"{scope}:{name}:{period}", [edit], refused, ct).ConfigureAwait(false);
        return failed is null ? Results.NoContent() : new GatewayErrorResult(failed);
    }

    private static async Task<(bool Consumer, BudgetPeriod Period, GatewayError? Refused)> TargetAsync(AdminCaller caller, string scope, string name, string period,
        ConsumerStore store, GatewayConfiguration configuration, GroupDirectory groups, CancellationToken ct)
    {
        var consumer = scope.Equals("consumer", StringComparison.OrdinalIgnoreCase);
        if (!consumer && !scope.Equals("group", StringComparison.OrdinalIgnoreCase))
            return (false, default, AdminErrors.BadRequest($"The scope must be 'consumer' or 'group' (was '{scope}')."));
        if (!Enum.TryParse<BudgetPeriod>(period, ignoreCase: true, out var budgetPeriod) || !Enum.IsDefined(budgetPeriod) || int.TryParse(period, out _))
            return (consumer, default, AdminErrors.BadRequest($"The period must be 'daily' or 'monthly' (was '{period}')."));
        if (ConsumerAdministration.CheckName(name, "name") is { } bad) return (consumer, budgetPeriod, bad);
        if (!consumer) return (false, budgetPeriod, await GroupTarget.CheckAsync(caller, name, groups, store, configuration, ct).ConfigureAwait(false));
        if (await ConsumerTarget.FindAsync(name, store, configuration, ct).ConfigureAwait(false) is not { } target)
            return (true, budgetPeriod, AdminErrors.NotFound($"Consumer '{name}' does not exist."));
        return (true, budgetPeriod, ConsumerTargetPolicy.Check(caller, target.Name, target.Roles));
    }

    private static List<BudgetOptions> Existing(GatewayConfiguration configuration, bool consumer, string name)
    {
        var budgets = configuration.Current.Options.Budgets;
        return (consumer ? budgets.Consumers : budgets.Groups).TryGetValue(name, out var list) ? list : [];
    }

    private static void Write(Dictionary<string, string?> values, string at, BudgetOptions b)
    {
        values[$"{at}:Period"] = b.Period.ToString();
        values[$"{at}:Amount"] = b.Amount.ToString(CultureInfo.InvariantCulture);
        values[$"{at}:Unit"] = b.Unit.ToString();
        for (var i = 0; i < b.AlertPercents.Count; i++) values[$"{at}:AlertPercents:{i}"] = b.AlertPercents[i].ToString(CultureInfo.InvariantCulture);
        values[$"{at}:OverBudget"] = b.OverBudget.ToString();
        values[$"{at}:ThrottleRequestsPerMinute"] = b.ThrottleRequestsPerMinute.ToString(CultureInfo.InvariantCulture);
    }
}
