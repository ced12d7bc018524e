using System.CommandLine;

namespace Tokengate.Commands;

/// <summary><c>tokengate budgets</c>: budgets of the running gateway with their spend; set and remove them through the admin API.</summary>
internal static class BudgetsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "List every budget in force with what was spent in its current period.") { data };
        list.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, "budgets", null, answer => AdminCommand.Table(answer,
            ("SCOPE", "scope"), ("NAME", "name"), ("PERIOD", "period"), ("UNIT", "unit"), ("AMOUNT", "amount"), ("SPENT", "spent"), ("PERCENT", "percent"),
            ("OVER", "overBudget"), ("SOURCE", "source")), ct));
        return new Command("budgets", "Spending budgets of consumers and groups.") { list, Set(data), Remove(data) };
    }

    private static (Argument<string> Scope, Argument<string> Name, Argument<string> Period) Target() => (
        new Argument<string>("scope") { Description = "consumer or group." },
        new Argument<string>("name") { Description = "The consumer's or group's name." },
        new Argument<string>("period") { Description = "daily or monthly (UTC)." });

    private static Command Set(Option<DirectoryInfo> data)
    {
        var (scope, name, period) = Target();
        var amount = new Option<decimal>("--amount") { Description = "The amount per period, in --unit.", Required = true };
        var unit = new Option<string?>("--unit") { Description = "usd (cost from the price table, default) or tokens." };
        var alerts = new Option<string?>("--alert-percents") { Description = "Alert thresholds, comma-separated percentages. Default 80." };
        var over = new Option<string?>("--over-budget") { Description = "block (default) or throttle once the amount is spent." };
        var throttle = new Option<int?>("--throttle-rpm") { Description = "With --over-budget throttle: requests per minute still allowed. Default 1." };
        var command = new Command("set", "Create or replace a budget; it applies from the next request, counting what was already spent this period.")
        {
            scope, name, period, amount, unit, alerts, over, throttle, data,
        };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Put, Path(parse, scope, name, period), new
        {
            amount = parse.GetValue(amount),
            unit = parse.GetValue(unit),
            alertPercents = parse.GetValue(alerts)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            overBudget = parse.GetValue(over),
            throttleRequestsPerMinute = parse.GetValue(throttle),
        }, answer => $"Budget set: {AdminCommand.Cell(answer, "period")} {AdminCommand.Cell(answer, "amount")} {AdminCommand.Cell(answer, "unit")} for {AdminCommand.Cell(answer, "scope")} " +
                     $"{AdminCommand.Cell(answer, "name")}; spent {AdminCommand.Cell(answer, "spent")} ({AdminCommand.Cell(answer, "percent")}%).\n", ct));
        return command;
    }

    private static Command Remove(Option<DirectoryInfo> data)
    {
        var (scope, name, period) = Target();
        var command = new Command("remove", "Remove a budget set through the admin API.") { scope, name, period, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Delete, Path(parse, scope, name, period), null, _ => "Budget removed.\n", ct));
        return command;
    }

    private static string Path(ParseResult parse, Argument<string> scope, Argument<string> name, Argument<string> period) =>
        $"budgets/{Uri.EscapeDataString(parse.GetValue(scope)!)}/{Uri.EscapeDataString(parse.GetValue(name)!)}/{Uri.EscapeDataString(parse.GetValue(period)!)}";
}
