using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tokengate.Admin;
using Tokengate.Configuration;
using Tokengate.Storage;

namespace Tokengate.Advice;

/// <summary>Maps <c>GET /admin/advice</c> (readers and above): the advice report as JSON.</summary>
internal static class AdviceEndpoints
{
    /// <summary>The period when none is asked for: the last 30 days.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    public static RouteGroupBuilder MapAdvice(this RouteGroupBuilder admin)
    {
        admin.MapGet("/advice", async (IDatabase database, IOptions<AdviceOptions> advice, IOptionsMonitor<GatewayOptions> gateway, TimeProvider time,
            DateTimeOffset? since, DateTimeOffset? until, CancellationToken ct) =>
        {
            var options = advice.Value;
            var end = until ?? time.GetUtcNow();
            var start = since ?? end - DefaultPeriod;
            if (start >= end)
            {
                return Results.Json(new { error = new { code = "invalid_value", message = "'since' must be before 'until'." } }, statusCode: StatusCodes.Status400BadRequest);
            }
            var rows = await AdviceQuery.LoadAsync(database, start, end, ct).ConfigureAwait(false);
            var shapes = await AdviceQuery.LoadShapesAsync(database, start, end, ct).ConfigureAwait(false);
            return Results.Json(Advisor.Build(rows, start, end, options, gateway.CurrentValue, shapes), AdviceRenderer.Json);
        }).RequireAuthorization(AdminPolicies.Reader);
        return admin;
    }
}
