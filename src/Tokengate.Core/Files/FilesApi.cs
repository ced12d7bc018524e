using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.Media;
using Tokengate.OpenAI;

namespace Tokengate.Files;

/// <summary>
/// The Files and Uploads APIs, answered by the gateway from its own store, in OpenAI's shapes (which Azure's v1
/// routes share). Every call is the caller's own: another consumer's file or upload answers 404 as if it did not exist.
/// Uploads are read from the request as they stream (never buffered whole), multipart sections one by one.
/// </summary>
internal static class FilesApi
{
    /// <summary>Largest file one Files API call stores (the service's limit); larger ones go through the Uploads API.</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>
    /// The multipart reader's buffer. Its default (4 KiB) hands a section's body over 4 KiB at a time, so every 4 KiB
    /// paid for a read, a hash update and an encrypting write; 64 KiB matches the encryption's chunk and stays below
    /// the large object heap.
    /// </summary>
    internal const int MultipartBufferBytes = 64 * 1024;

    public static async Task CreateFileAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (MultipartForm.Boundary(context.Request.ContentType) is not { } boundary)
        {
            await Invalid("The request must be sent as multipart/form-data with a boundary in its Content-Type.").WriteAsync(context);
            return;
        }
        var service = context.RequestServices.GetRequiredService<FileService>();
        var reader = new MultipartReader(boundary, context.Request.Body, MultipartBufferBytes) { BodyLengthLimit = null };
        var fields = new FormFields();
        (StoredFile? File, string? Error) created = (null, null);
        var sawFile = false;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            if (name == "file" && disposition.FileName.HasValue && !sawFile)
            {
                sawFile = true;
                var filename = HeaderUtilities.RemoveQuotes(disposition.FileName).ToString();
                // The purpose may follow the file in the form: the rest of the form is read once the file is stored.
                created = await service.CreateAsync(caller.Name, filename, section.Body, async () =>
                {
                    MultipartSection? rest;
                    while ((rest = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null) await fields.ReadAsync(rest);
                    return (fields.Purpose, fields.ExpiresAfter);
                }, MaxFileBytes, context.RequestAborted);
            }
            else
            {
                await fields.ReadAsync(section);
            }
        }
        if (!sawFile)
        {
            await Invalid("The form has no 'file' part: send the file as the form field 'file'.", "file").WriteAsync(context);
            return;
        }
        if (created.File is null)
        {
            await Invalid(created.Error!, created.Error!.StartsWith("'purpose'", StringComparison.Ordinal) ? "purpose" : "file").WriteAsync(context);
            return;
        }
        await JsonAnswer.WriteAsync(context, json => WriteFile(json, created.File));
    }

    /// <summary>The text fields of a file's form.</summary>
    private sealed class FormFields
    {
        public string? Purpose { get; private set; }

        public TimeSpan? ExpiresAfter { get; private set; }

        public async Task ReadAsync(MultipartSection section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) return;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            if (name == "purpose") Purpose = await section.ReadAsStringAsync();
            else if (name == "expires_after[seconds]" && long.TryParse(await section.ReadAsStringAsync(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                ExpiresAfter = TimeSpan.FromSeconds(seconds);
        }
    }

    public static async Task ListFilesAsync(HttpContext context)
    {
        var caller = Caller(context);
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, 10_000) : 10_000;
        var ascending = string.Equals(query["order"], "asc", StringComparison.OrdinalIgnoreCase);
        var catalog = context.RequestServices.GetRequiredService<FileCatalog>();
        var files = await catalog.ListFilesAsync(caller.Name, NullIfEmpty(query["purpose"]), NullIfEmpty(query["after"]), limit, ascending, context.RequestAborted);
        var more = files.Count > limit;
        if (more) files.RemoveAt(files.Count - 1);
        await JsonAnswer.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var file in files) WriteFile(json, file);
            json.WriteEndArray();
            if (files.Count > 0)
            {
                json.WriteString("first_id", files[0].Id);
                json.WriteString("last_id", files[^1].Id);
            }
            json.WriteBoolean("has_more", more);
            json.WriteEndObject();
        });
    }

    public static async Task GetFileAsync(HttpContext context)
    {
        var caller = Caller(context);
        var file = await context.RequestServices.GetRequiredService<FileCatalog>().FindFileAsync(Id(context), caller.Name, context.RequestAborted);
        if (file is null) await NotFound(Id(context)).WriteAsync(context);
        else await JsonAnswer.WriteAsync(context, json => WriteFile(json, file));
    }

    public static async Task GetFileContentAsync(HttpContext context)
    {
        var caller = Caller(context);
        var opened = await context.RequestServices.GetRequiredService<FileService>().OpenAsync(Id(context), caller.Name, context.RequestAborted);
        if (opened is not { } found)
        {
            await NotFound(Id(context)).WriteAsync(context);
            return;
        }
        await using var content = found.Content;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = found.File.Bytes;
        await content.CopyToAsync(context.Response.Body, 64 * 1024, context.RequestAborted);
    }

    public static async Task DeleteFileAsync(HttpContext context)
    {
        var caller = Caller(context);
        var id = Id(context);
        if (!await context.RequestServices.GetRequiredService<FileService>().DeleteAsync(id, caller.Name, context.RequestAborted))
        {
            await NotFound(id).WriteAsync(context);
            return;
        }
        await JsonAnswer.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "file");
            json.WriteBoolean("deleted", true);
            json.WriteEndObject();
        });
    }

    public static async Task CreateUploadAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (await ReadJsonAsync(context) is not { } body) return;
        using (body)
        {
            var root = body.RootElement;
            var (upload, error, param) = await context.RequestServices.GetRequiredService<UploadService>().CreateAsync(caller.Name,
                String(root, "filename"), String(root, "purpose"), root.TryGetProperty("bytes", out var b) && b.TryGetInt64(out var bytes) ? bytes : null,
                String(root, "mime_type"), context.RequestAborted);
            if (upload is null) await Invalid(error!, param).WriteAsync(context);
            else await JsonAnswer.WriteAsync(context, json => WriteUpload(json, upload, null));
        }
    }

    public static async Task AddUploadPartAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (await FindUploadAsync(context, caller) is not { } upload) return;
        if (MultipartForm.Boundary(context.Request.ContentType) is not { } boundary)
        {
            await Invalid("The request must be sent as multipart/form-data with the part as the field 'data'.").WriteAsync(context);
            return;
        }
        var reader = new MultipartReader(boundary, context.Request.Body, MultipartBufferBytes) { BodyLengthLimit = null };
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || HeaderUtilities.RemoveQuotes(disposition.Name) != "data") continue;
            var (partId, error) = await context.RequestServices.GetRequiredService<UploadService>().AddPartAsync(upload, section.Body, context.RequestAborted);
            if (partId is null)
            {
                await Invalid(error!, "data").WriteAsync(context);
                return;
            }
            await JsonAnswer.WriteAsync(context, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", partId);
                json.WriteString("object", "upload.part");
                json.WriteNumber("created_at", context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds());
                json.WriteString("upload_id", upload.Id);
                json.WriteEndObject();
            });
            return;
        }
        await Invalid("The form has no 'data' part.", "data").WriteAsync(context);
    }

    public static async Task CompleteUploadAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (await FindUploadAsync(context, caller) is not { } upload) return;
        if (await ReadJsonAsync(context) is not { } body) return;
        using (body)
        {
            var root = body.RootElement;
            var parts = root.TryGetProperty("part_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? ids.EnumerateArray().Select(p => p.GetString() ?? "").ToList()
                : [];
            var service = context.RequestServices.GetRequiredService<UploadService>();
            var (file, error, param) = await service.CompleteAsync(upload, parts, String(root, "md5"), context.RequestAborted);
            if (file is null)
            {
                await Invalid(error!, param).WriteAsync(context);
                return;
            }
            var completed = upload with { Status = StoredUpload.Completed };
            await JsonAnswer.WriteAsync(context, json => WriteUpload(json, completed, file));
        }
    }

    public static async Task CancelUploadAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (await FindUploadAsync(context, caller) is not { } upload) return;
        if (!await context.RequestServices.GetRequiredService<UploadService>().CancelAsync(upload, context.RequestAborted))
        {
            await Invalid($"The upload is {upload.Status}; only a pending upload can be cancelled.").WriteAsync(context);
            return;
        }
        await JsonAnswer.WriteAsync(context, json => WriteUpload(json, upload with { Status = StoredUpload.Cancelled }, null));
    }

    /// <summary>The caller: step 4 has checked its role, its <c>files</c> scope and a classic route's <c>api-version</c>.</summary>
    private static Consumer Caller(HttpContext context) => context.Features.GetRequiredFeature<GatewayRequestFeature>().Consumer!;

    private static async Task<StoredUpload?> FindUploadAsync(HttpContext context, Consumer caller)
    {
        var id = Id(context);
        var upload = await context.RequestServices.GetRequiredService<FileCatalog>().FindUploadAsync(id, caller.Name, context.RequestAborted);
        if (upload is null) await new GatewayError(404, "not_found", $"No upload with the id '{id}' was found.", "invalid_request_error", "upload_id").WriteAsync(context);
        return upload;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            await Invalid("The request body is not valid JSON.").WriteAsync(context);
            return null;
        }
    }

    private static void WriteFile(Utf8JsonWriter json, StoredFile file)
    {
        json.WriteStartObject();
        json.WriteString("id", file.Id);
        json.WriteString("object", "file");
        json.WriteNumber("bytes", file.Bytes);
        json.WriteNumber("created_at", file.CreatedAt.ToUnixTimeSeconds());
        json.WriteString("filename", file.Filename);
        json.WriteString("purpose", file.Purpose);
        json.WriteString("status", "processed");
        if (file.ExpiresAt is { } expires) json.WriteNumber("expires_at", expires.ToUnixTimeSeconds());
        else json.WriteNull("expires_at");
        json.WriteNull("status_details");
        json.WriteEndObject();
    }

    private static void WriteUpload(Utf8JsonWriter json, StoredUpload upload, StoredFile? file)
    {
        json.WriteStartObject();
        json.WriteString("id", upload.Id);
        json.WriteString("object", "upload");
        json.WriteNumber("bytes", upload.Bytes);
        json.WriteNumber("created_at", upload.CreatedAt.ToUnixTimeSeconds());
        json.WriteString("filename", upload.Filename);
        json.WriteString("purpose", upload.Purpose);
        json.WriteString("status", upload.Status);
        json.WriteNumber("expires_at", upload.ExpiresAt.ToUnixTimeSeconds());
        if (file is null) json.WriteNull("file");
        else
        {
            json.WritePropertyName("file");
            WriteFile(json, file);
        }
        json.WriteEndObject();
    }

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? "";

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => string.IsNullOrEmpty(value) ? null : value.ToString();

    private static GatewayError Invalid(string message, string? param = null) => GatewayError.InvalidBody(message, param);

    private static GatewayError NotFound(string id) =>
        new(404, "not_found", $"No such File object: {id}", "invalid_request_error", "id");
}
