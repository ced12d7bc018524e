using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Media;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Files;

/// <summary>
/// <c>/openai/files</c>: upload (multipart), import from a URL, list, retrieve, content and delete. Files belong to
/// the resource: every deployment of this instance sees them, no other instance does.
/// </summary>
internal sealed class FilesHandler(SimulatorRuntime runtime, FileService files, FileImporter importer)
{
    /// <summary>The largest file one upload accepts (Azure's 512 MB); beyond it the Uploads API is the way.</summary>
    public const int MaxFileBytes = 512 * 1024 * 1024;

    private const int MaxListLimit = 10_000;

    public async Task CreateAsync(HttpContext context)
    {
        AllowBody(context, MaxFileBytes + (1L << 20));
        if (await MediaForm.ReadAsync(context, MaxFileBytes) is not { } form)
        {
            return;
        }

        var purpose = form.Field("purpose");
        if (string.IsNullOrEmpty(purpose))
        {
            await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing("purpose"));
            return;
        }

        if (!FilePurposes.IsCreatable(purpose))
        {
            await ResourceJson.WriteErrorAsync(context, FilePurposes.Invalid(purpose));
            return;
        }

        if (form.FilesNamed("file") is not [var upload, ..])
        {
            await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing("file"));
            return;
        }

        if (!FileService.TryReadExpiry(
            form.Field("expires_after[anchor]") ?? form.Field("expires_after.anchor"),
            form.Field("expires_after[seconds]") ?? form.Field("expires_after.seconds"),
            out var expiry, out var error))
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        var file = files.Create(upload.FileName, purpose, upload.Content, expiry);
        await ResourceJson.WriteCreatedAsync(context, "files", file.Id, w => FileJson.Write(w, file, runtime.NowTicks));
    }

    /// <summary>Azure's <c>POST /openai/files/import</c>: <c>{purpose, filename, content_url}</c>; the bytes are fetched from the URL.</summary>
    public async Task ImportAsync(HttpContext context)
    {
        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        string purpose, filename;
        Uri url;
        long? expiry;
        using (document)
        {
            var root = document.RootElement;
            foreach (var name in (string[])["purpose", "filename", "content_url"])
            {
                if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
                {
                    await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing(name));
                    return;
                }
            }

            purpose = root.GetProperty("purpose").GetString()!;
            filename = root.GetProperty("filename").GetString()!;
            var urlText = root.GetProperty("content_url").GetString()!;
            if (!FilePurposes.IsCreatable(purpose))
            {
                await ResourceJson.WriteErrorAsync(context, FilePurposes.Invalid(purpose));
                return;
            }

            if (!Uri.TryCreate(urlText, UriKind.Absolute, out url!) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                await ResourceJson.WriteErrorAsync(context, ($"Invalid value for 'content_url': '{urlText}' is not an absolute http or https URL.", "content_url", "invalid_value"));
                return;
            }

            string? anchor = null, seconds = null;
            if (root.TryGetProperty("expires_after", out var expires) && expires.ValueKind == JsonValueKind.Object)
            {
                anchor = expires.TryGetProperty("anchor", out var a) ? a.ToString() : null;
                seconds = expires.TryGetProperty("seconds", out var s) ? s.ToString() : null;
            }

            if (!FileService.TryReadExpiry(anchor, seconds, out expiry, out var error))
            {
                await ResourceJson.WriteErrorAsync(context, error);
                return;
            }
        }

        var (content, failure) = await importer.DownloadAsync(url, MaxFileBytes, context.RequestAborted);
        if (content is null)
        {
            await ResourceJson.WriteErrorAsync(context, ($"The content of '{url}' could not be imported: {failure}", "content_url", "invalid_value"));
            return;
        }

        var file = files.Create(filename, purpose, content, expiry);
        await ResourceJson.WriteCreatedAsync(context, "files", file.Id, w => FileJson.Write(w, file, runtime.NowTicks));
    }

    /// <summary>Newest first by default; <c>purpose</c>, <c>after</c>, <c>limit</c> (1..10,000) and <c>order</c> narrow it.</summary>
    public async Task ListAsync(HttpContext context)
    {
        if (ListQuery.Read(context.Request, MaxListLimit, MaxListLimit, defaultAscending: false, out var error) is not { } query)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        string? purpose = context.Request.Query["purpose"];
        var now = runtime.NowTicks;
        var (page, hasMore) = query.Apply(runtime.Files.List(now, string.IsNullOrEmpty(purpose) ? null : purpose), f => f.Id);
        await ResourceJson.WriteOkAsync(context, w => FileJson.WriteList(w, page, hasMore, now));
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await FindAsync(context) is { } file)
        {
            await ResourceJson.WriteOkAsync(context, w => FileJson.Write(w, file, runtime.NowTicks));
        }
    }

    public async Task ContentAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } file)
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = file.Content.Length;
        await context.Response.Body.WriteAsync(file.Content, context.RequestAborted);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        var id = IdOf(context);
        if (!runtime.Files.Remove(id, runtime.NowTicks))
        {
            await NotFoundAsync(context, id);
            return;
        }

        await ResourceJson.WriteOkAsync(context, w => FileJson.WriteDeleted(w, id));
    }

    /// <summary>The 404 of a file id this resource does not know.</summary>
    public static Task NotFoundAsync(HttpContext context, string id) =>
        AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status404NotFound, $"No such File object: {id}", "invalid_request_error", "id", null);

    /// <summary>Lifts Kestrel's default 30 MB request limit for a call that takes a large body.</summary>
    public static void AllowBody(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && limit.MaxRequestBodySize is long current && current < maxBytes)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
    }

    private async Task<StoredFile?> FindAsync(HttpContext context)
    {
        var id = IdOf(context);
        if (runtime.Files.TryGet(id, runtime.NowTicks, out var file))
        {
            return file;
        }

        await NotFoundAsync(context, id);
        return null;
    }

    private static string IdOf(HttpContext context) => context.Request.RouteValues["id"] as string ?? string.Empty;
}
