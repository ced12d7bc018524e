using System.CommandLine;
using System.Globalization;
using Tokengate.Identity;

namespace Tokengate.Commands;

/// <summary><c>tokengate audit</c>: read the running gateway's audit log (it cannot be written or changed from here).</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var since = new Option<string?>("--since") { Description = "Only records since a duration ago (1h, 7d) or an ISO-8601 time." };
        var actor = new Option<string?>("--actor") { Description = "Only records of this actor." };
        var action = new Option<string?>("--action") { Description = "Only actions starting with this, e.g. 'key.' or 'key.revoked'." };
        var limit = new Option<int>("--limit") { Description = "At most this many records, newest first.", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List audit records, newest first: when, actor, action, target, address, outcome, count (repeats of a failure within one aggregation interval), detail.") { since, actor, action, limit, data };
        list.SetAction(async (parse, ct) =>
        {
            var query = new List<string> { $"limit={parse.GetValue(limit).ToString(CultureInfo.InvariantCulture)}" };
            if (parse.GetValue(since) is { } sinceText)
            {
                if (!DurationText.TryParseMoment(sinceText, DateTimeOffset.UtcNow, -1, out var from))
                {
                    await Console.Error.WriteLineAsync($"--since: '{sinceText}' is neither a duration (1h, 7d) nor an ISO-8601 time.").ConfigureAwait(false);
                    return 2;
                }
                query.Add("since=" + Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture)));
            }
            if (parse.GetValue(actor) is { } a) query.Add("actor=" + Uri.EscapeDataString(a));
            if (parse.GetValue(action) is { } act) query.Add("action=" + Uri.EscapeDataString(act));
            return await AdminCommand.RunAsync(parse, data, HttpMethod.Get, "audit?" + string.Join('&', query), null, answer => AdminCommand.Table(answer,
                ("AT", "at"), ("ACTOR", "actor"), ("ACTION", "action"), ("TARGET", "target"), ("ADDRESS", "clientAddress"), ("OUTCOME", "outcome"), ("COUNT", "count"), ("DETAIL", "detail")), ct).ConfigureAwait(false);
        });
        return new Command("audit", "The running gateway's append-only audit log.") { list };
    }
}
