using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Admin;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Encryption;

/// <summary>
/// <c>POST /admin/encryption/rotate</c> (operator): re-wraps every data key with the current key-encryption key and
/// answers how many were re-wrapped and how many keys each KEK now wraps (an old KEK wrapping none can be removed from
/// the configuration). Audited as <c>encryption.rotated</c>.
/// </summary>
internal static class EncryptionAdminApi
{
    public static RouteGroupBuilder MapEncryptionAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/encryption/rotate", RotateAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> RotateAsync(
        HttpContext context, EnvelopeEncryption encryption, IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        var actor = context.User.Identity?.Name ?? "(unknown)";
        var address = CallerAddress.Of(context, configuration.Current)?.ToString();
        try
        {
            var rewrapped = await encryption.RotateAsync(ct).ConfigureAwait(false);
            var counts = await encryption.CountByKeyAsync(ct).ConfigureAwait(false);
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, "encryption.rotated", encryption.CurrentKeyId, address, "success", $"{rewrapped} data keys re-wrapped"), ct).ConfigureAwait(false);
            return Results.Json(new EncryptionRotationResult(encryption.CurrentKeyId, rewrapped, counts));
        }
        catch (KeyEncryptionKeyException ex)
        {
            // The message names keys and objects, never key material.
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, "encryption.rotated", null, address, "failed", ex.Message), ct).ConfigureAwait(false);
            return new GatewayErrorResult(AdminErrors.Conflict(ex.Message));
        }
    }
}
