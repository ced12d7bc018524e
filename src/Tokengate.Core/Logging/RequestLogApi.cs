using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tokengate.Admin;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Storage;

namespace Tokengate.Logging;

/// <summary>
/// <c>GET /admin/requests</c> (newest first, filtered, paged with <c>before</c>) and <c>GET /admin/requests/{id}</c>:
/// request metadata for readers and above, from the usage ledger (<see cref="RequestLedger"/>), so screened-out
/// requests are there whatever the logging policy. The detail adds the prompt and completion only where the consumer's
/// policy recorded them (<see cref="RequestLogPolicy.Full"/>) and the caller is an <c>admin</c>; otherwise
/// <c>contentAvailable</c> says why they are absent. A content read is audited (<c>request.content_read</c>).
/// </summary>
internal static class RequestLogApi
{
    public const string ContentReadAction = "request.content_read";
    private const int MaxLimit = 1000;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapRequestLog(this RouteGroupBuilder admin)
    {
        admin.MapGet("/requests", ListAsync).RequireAuthorization(AdminPolicies.Reader);
        admin.MapGet("/requests/{id}", DetailAsync).RequireAuthorization(AdminPolicies.Reader);
        return admin;
    }

    private static async Task<IResult> ListAsync(HttpContext context, IDatabase database, TimeProvider time, CancellationToken ct)
    {
        var q = context.Request.Query;
        string? Text(string name) => q[name].ToString() is { Length: > 0 } v ? v : null;
        var now = time.GetUtcNow();
        DateTimeOffset? since = null, until = null;
        if (Text("since") is { } sinceText)
        {
            if (!DurationText.TryParseMoment(sinceText, now, -1, out var s)) return Bad("'since' is an ISO-8601 time or a duration ago (1h, 7d).");
            since = s;
        }
        if (Text("until") is { } untilText)
        {
            if (!DurationText.TryParseMoment(untilText, now, -1, out var u)) return Bad("'until' is an ISO-8601 time or a duration ago (1h, 7d).");
            until = u;
        }
        if (since > until) return Bad("'since' is after 'until'.");
        int? statusFrom = null, statusTo = null;
        if (Text("status") is { } status)
        {
            if (status.Length == 3 && status[0] is >= '1' and <= '5' && status.EndsWith("xx", StringComparison.OrdinalIgnoreCase))
                (statusFrom, statusTo) = ((status[0] - '0') * 100, (status[0] - '0') * 100 + 99);
            else if (int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var exact) && exact is >= 100 and <= 599)
                (statusFrom, statusTo) = (exact, exact);
            else return Bad("'status' is an HTTP status (429) or a class (4xx).");
        }
        RequestLogOutcome? outcome = null;
        if (Text("outcome") is { } outcomeText)
        {
            if (!Enum.TryParse<RequestLogOutcome>(outcomeText, ignoreCase: true, out var o) || !Enum.IsDefined(o) || int.TryParse(outcomeText, out _))
                return Bad("'outcome' is success, error, throttled or screened.");
            outcome = o;
        }
        var limit = 100;
        if (Text("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Bad($"'limit' is a whole number from 1 to {MaxLimit}.");
        Guid? before = null;
        if (Text("before") is { } beforeText)
        {
            if (!Guid.TryParse(beforeText, out var b)) return Bad("'before' is a request id (from a previous page's nextBefore).");
            before = b;
        }

        var query = new RequestLogQuery(Text("consumer"), Text("group"), Text("deployment"), statusFrom, statusTo, outcome, since, until, before, Limit: limit);
        if (await RequestLedger.QueryAsync(database, query, ct).ConfigureAwait(false) is not { } records)
            return Bad("'before' names no request.");
        return Results.Json(new
        {
            data = records.Select(Describe),
            nextBefore = records.Count == limit ? records[^1].Id : null,
        });
    }

    private static async Task<IResult> DetailAsync(
        HttpContext context, string id, IDatabase database, RequestLogWriter writer, IOptions<RequestLogOptions> options, IAuditLog audit,
        GatewayConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var requestId)) return new GatewayErrorResult(AdminErrors.NotFound($"No request has the id '{id}'."));
        var records = await RequestLedger.QueryAsync(database, new RequestLogQuery(Id: requestId, Limit: 1), ct).ConfigureAwait(false);
        if (records is not [var record]) return new GatewayErrorResult(AdminErrors.NotFound($"No request has the id '{id}'."));

        var content = IsAdmin(context.User)
            ? RequestLogContent.Find(writer, options.Value, record)
            : new RequestLogContentResult(ContentAvailability.Forbidden);
        if (content.Availability == ContentAvailability.Available)
        {
            var actor = context.User.Identity?.Name ?? "(unknown)";
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, ContentReadAction, id,
                CallerAddress.Of(context, configuration.Current)?.ToString(), "success", $"consumer {record.Consumer}"), ct).ConfigureAwait(false);
        }
        // The list item's members, then why content is (not) there, then the content itself only when it may be read.
        var detail = JsonSerializer.SerializeToNode(Describe(record), JsonOptions)!.AsObject();
        detail["contentAvailable"] = content.Availability;
        if (content.Availability == ContentAvailability.Available)
        {
            detail["requestBody"] = content.Request;
            detail["completion"] = content.Completion;
        }
        return Results.Json(detail);
    }

    /// <summary>One request as the API describes it (the list's items; the detail's <c>request</c>).</summary>
    internal static object Describe(RequestLogRecord r) => new
    {
        id = r.Id,
        at = r.At,
        consumer = r.Consumer,
        group = r.Group,
        deployment = r.Deployment,
        pool = r.Pool ?? r.Deployment,
        backend = r.Backend,
        model = r.Model,
        operation = r.Operation,
        status = r.Status,
        outcome = r.Outcome.ToString().ToLowerInvariant(),
        stream = r.Stream,
        durationMs = Math.Round(r.DurationMs, 1),
        timeToFirstTokenMs = r.TimeToFirstTokenMs is { } t ? Math.Round(t, 1) : (double?)null,
        promptTokens = r.PromptTokens,
        cachedTokens = r.CachedTokens,
        completionTokens = r.CompletionTokens,
        totalTokens = r.PromptTokens + r.CompletionTokens,
        costUsd = r.CostUsd,
        priority = r.Priority,
        serviceTier = r.ServiceTier,
        screening = r.Screening is null && !r.ScreenedOut ? null : new { verdict = r.Screening, blocked = r.ScreenedOut },
        batchId = r.BatchId,
    };

    private static bool IsAdmin(ClaimsPrincipal user) =>
        Roles.Includes(user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase), Roles.Admin);

    private static GatewayErrorResult Bad(string message) => new(AdminErrors.BadRequest(message));
}
