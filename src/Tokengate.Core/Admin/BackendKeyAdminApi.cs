using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.Admin;

/// <summary>
/// <c>POST /admin/backends/{name}/rotate-key</c> (operator): the backend switches to its other key (Azure's key 1 /
/// key 2), both re-read from their secret references first. Audited.
/// </summary>
internal static class BackendKeyAdminApi
{
    public static RouteGroupBuilder MapBackendKeyAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/backends/{name}/rotate-key", RotateAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> RotateAsync(
        HttpContext context, string name, BackendKeyRotation rotation, IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        var actor = context.User.Identity?.Name ?? "(unknown)";
        var address = CallerAddress.Of(context, configuration.Current)?.ToString();
        try
        {
            var active = await rotation.RotateAsync(name, ct).ConfigureAwait(false);
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, "backend.key_rotated", name, address, "success", $"now using {active}"), ct).ConfigureAwait(false);
            return Results.Json(new { backend = name, active = active.ToString() });
        }
        catch (KeyNotFoundException)
        {
            return new GatewayErrorResult(AdminErrors.NotFound($"No backend is named '{name}'."));
        }
        catch (InvalidOperationException ex)
        {
            // The message names the backend and the reference that failed, never a secret value.
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, "backend.key_rotated", name, address, "failed", ex.Message), ct).ConfigureAwait(false);
            return new GatewayErrorResult(AdminErrors.Conflict(ex.Message));
        }
    }
}
