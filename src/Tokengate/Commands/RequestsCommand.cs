using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tokengate.Identity;

namespace Tokengate.Commands;

/// <summary><c>tokengate requests</c>: the running gateway's requests (metadata from the ledger; content for admins where logged).</summary>
internal static class RequestsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer." };
        var group = new Option<string?>("--group") { Description = "Only this consumer group." };
        var deployment = new Option<string?>("--deployment") { Description = "Only this deployment." };
        var status = new Option<string?>("--status") { Description = "Only this HTTP status (429) or class (4xx)." };
        var outcome = new Option<string?>("--outcome") { Description = "Only success, error, throttled or screened (refused by prompt screening)." };
        outcome.AcceptOnlyFromAmong("success", "error", "throttled", "screened");
        var since = new Option<string?>("--since") { Description = "Only requests since a duration ago (1h, 7d) or an ISO-8601 time." };
        var until = new Option<string?>("--until") { Description = "Only requests before a duration ago or an ISO-8601 time." };
        var before = new Option<string?>("--before") { Description = "Only requests older than this request id (the next page)." };
        var limit = new Option<int>("--limit") { Description = "At most this many requests, newest first (1 to 1000).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List requests, newest first: when, id, consumer, deployment, operation, status, outcome, duration, tokens, cost, backend.")
        {
            consumer, group, deployment, status, outcome, since, until, before, limit, data,
        };
        list.SetAction(async (parse, ct) =>
        {
            var query = new List<string> { "limit=" + parse.GetValue(limit).ToString(CultureInfo.InvariantCulture) };
            var now = DateTimeOffset.UtcNow;
            foreach (var (option, name) in new[] { (since, "since"), (until, "until") })
            {
                if (parse.GetValue(option) is not { } text) continue;
                if (!DurationText.TryParseMoment(text, now, -1, out var moment))
                {
                    await Console.Error.WriteLineAsync($"--{name}: '{text}' is neither a duration (1h, 7d) nor an ISO-8601 time.").ConfigureAwait(false);
                    return 2;
                }
                query.Add($"{name}=" + Uri.EscapeDataString(moment.ToString("O", CultureInfo.InvariantCulture)));
            }
            foreach (var (option, name) in new[] { (consumer, "consumer"), (group, "group"), (deployment, "deployment"), (status, "status"), (outcome, "outcome"), (before, "before") })
            {
                if (parse.GetValue(option) is { } value) query.Add($"{name}=" + Uri.EscapeDataString(value));
            }
            return await AdminCommand.RunAsync(parse, data, HttpMethod.Get, "requests?" + string.Join('&', query), null, answer =>
            {
                var table = AdminCommand.Table(answer, ("AT", "at"), ("ID", "id"), ("CONSUMER", "consumer"), ("DEPLOYMENT", "deployment"), ("OPERATION", "operation"),
                    ("STATUS", "status"), ("OUTCOME", "outcome"), ("MS", "durationMs"), ("TOKENS", "totalTokens"), ("COST_USD", "costUsd"), ("BACKEND", "backend"));
                return answer.TryGetProperty("nextBefore", out var next) && next.ValueKind == JsonValueKind.String
                    ? table + $"more: --before {next.GetString()}\n"
                    : table;
            }, ct).ConfigureAwait(false);
        });

        var id = new Argument<string>("id") { Description = "The request id (from the list)." };
        var show = new Command("show", "One request: its metadata, and its prompt and completion where the consumer's policy logged them and you are an admin.") { id, data };
        show.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, "requests/" + Uri.EscapeDataString(parse.GetValue(id)!), null,
            answer => JsonSerializer.Serialize(answer, Indented) + "\n", ct));
        return new Command("requests", "The running gateway's requests (metadata from the usage ledger; content where logged, for admins).") { list, show };
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
