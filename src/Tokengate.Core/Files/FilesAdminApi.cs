using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.Admin;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;

namespace Tokengate.Files;

/// <summary>
/// <c>DELETE /admin/consumers/{name}/files</c> (operator): erases a consumer's stored data on request: every file it
/// owns is crypto-shredded (its data key destroyed first, so backup copies become unreadable too, then its blob and
/// record removed) and its unfinished uploads are cancelled the same way. Audited as <c>files.erased</c>.
/// </summary>
internal static class FilesAdminApi
{
    public static RouteGroupBuilder MapFilesAdmin(this RouteGroupBuilder admin)
    {
        admin.MapDelete("/consumers/{name}/files", EraseAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> EraseAsync(string name, HttpContext context, FileCatalog catalog, FileService files, UploadService uploads,
        IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        var (owned, pending) = await catalog.OwnedAsync(name, ct).ConfigureAwait(false);
        var erased = 0;
        foreach (var id in owned)
        {
            if (await files.ShredAsync(id, ct).ConfigureAwait(false)) erased++;
        }
        var cancelled = 0;
        foreach (var upload in pending)
        {
            if (await uploads.CancelAsync(upload, ct).ConfigureAwait(false)) cancelled++;
        }
        var actor = context.User.Identity?.Name ?? "(unknown)";
        await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, "files.erased", name, CallerAddress.Of(context, configuration.Current)?.ToString(), "success",
            $"{erased} files shredded, {cancelled} uploads cancelled"), ct).ConfigureAwait(false);
        return Results.Json(new { consumer = name, files_erased = erased, uploads_cancelled = cancelled });
    }
}
