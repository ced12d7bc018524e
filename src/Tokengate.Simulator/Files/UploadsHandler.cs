using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Media;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Files;

/// <summary>
/// <c>/openai/uploads</c>: create an Upload, add parts (at most 64 MB each), complete it into a file (parts joined in
/// the order of <c>part_ids</c>, with an optional MD5 check) or cancel it. An Upload expires an hour after creation.
/// </summary>
internal sealed class UploadsHandler(SimulatorRuntime runtime, FileService files)
{
    public const int MaxPartBytes = 64 * 1024 * 1024;
    public const long MaxUploadBytes = 8L * 1024 * 1024 * 1024;
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public async Task CreateAsync(HttpContext context)
    {
        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        StoredUpload upload;
        using (document)
        {
            var root = document.RootElement;
            foreach (var name in (string[])["filename", "purpose", "mime_type"])
            {
                if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
                {
                    await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing(name));
                    return;
                }
            }

            if (!root.TryGetProperty("bytes", out var bytesElement))
            {
                await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing("bytes"));
                return;
            }

            if (bytesElement.ValueKind != JsonValueKind.Number || !bytesElement.TryGetInt64(out var bytes))
            {
                await ResourceJson.WriteErrorAsync(context, RequestErrors.InvalidType("bytes", "an integer", bytesElement));
                return;
            }

            if (bytes is < 0 or > MaxUploadBytes)
            {
                await ResourceJson.WriteErrorAsync(context, bytes < 0 ? RequestErrors.BelowMin("bytes", 0, bytes) : RequestErrors.AboveMax("bytes", MaxUploadBytes, bytes));
                return;
            }

            var purpose = root.GetProperty("purpose").GetString()!;
            if (!FilePurposes.IsCreatable(purpose))
            {
                await ResourceJson.WriteErrorAsync(context, FilePurposes.Invalid(purpose));
                return;
            }

            string? anchor = null, seconds = null;
            if (root.TryGetProperty("expires_after", out var expires) && expires.ValueKind == JsonValueKind.Object)
            {
                anchor = expires.TryGetProperty("anchor", out var a) ? a.ToString() : null;
                seconds = expires.TryGetProperty("seconds", out var s) ? s.ToString() : null;
            }

            if (!FileService.TryReadExpiry(anchor, seconds, out var fileExpiry, out var error))
            {
                await ResourceJson.WriteErrorAsync(context, error);
                return;
            }

            var now = runtime.NowTicks;
            upload = new StoredUpload(FileIds.New("upload_"), root.GetProperty("filename").GetString()!, purpose, bytes,
                root.GetProperty("mime_type").GetString()!, now, now + Lifetime.Ticks, fileExpiry);
        }

        runtime.Uploads.Add(upload);
        await ResourceJson.WriteOkAsync(context, w => Write(w, upload, runtime.NowTicks));
    }

    /// <summary>One part: multipart field <c>data</c>, at most 64 MB.</summary>
    public async Task AddPartAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } upload)
        {
            return;
        }

        FilesHandler.AllowBody(context, MaxPartBytes + (1L << 20));
        if (await MediaForm.ReadAsync(context, MaxPartBytes) is not { } form)
        {
            return;
        }

        if (form.FilesNamed("data") is not [var data, ..])
        {
            await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing("data"));
            return;
        }

        var now = runtime.NowTicks;
        if (upload.TryAddPart(FileIds.New("part_"), data.Content, now, out var status) is not { } partId)
        {
            await ResourceJson.WriteErrorAsync(context, NotPending(upload, status));
            return;
        }

        await ResourceJson.WriteOkAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("id"u8, partId);
            w.WriteString("object"u8, "upload.part"u8);
            w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(now));
            w.WriteString("upload_id"u8, upload.Id);
            w.WriteEndObject();
        });
    }

    /// <summary><c>{part_ids: [...], md5?}</c>: the file is the parts in that order.</summary>
    public async Task CompleteAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } upload)
        {
            return;
        }

        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        var partIds = new List<string>();
        string? md5 = null;
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("part_ids", out var ids))
            {
                await ResourceJson.WriteErrorAsync(context, RequestErrors.Missing("part_ids"));
                return;
            }

            if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                await ResourceJson.WriteErrorAsync(context, RequestErrors.InvalidType("part_ids", "an array of strings", ids));
                return;
            }

            partIds.AddRange(ids.EnumerateArray().Select(e => e.GetString()!));
            if (root.TryGetProperty("md5", out var md5Element) && md5Element.ValueKind == JsonValueKind.String && md5Element.GetString() is { Length: > 0 } text)
            {
                md5 = text;
            }
        }

        var (file, error) = upload.TryComplete(partIds, md5, runtime.NowTicks,
            content => files.Create(upload.Filename, upload.Purpose, content, upload.FileExpirySeconds));
        if (file is null)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        await ResourceJson.WriteOkAsync(context, w => Write(w, upload, runtime.NowTicks));
    }

    public async Task CancelAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } upload)
        {
            return;
        }

        if (!upload.TryCancel(runtime.NowTicks, out var status))
        {
            await ResourceJson.WriteErrorAsync(context, NotPending(upload, status));
            return;
        }

        await ResourceJson.WriteOkAsync(context, w => Write(w, upload, runtime.NowTicks));
    }

    private static void Write(Utf8JsonWriter w, StoredUpload upload, long nowTicks)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, upload.Id);
        w.WriteString("object"u8, "upload"u8);
        w.WriteNumber("bytes"u8, upload.Bytes);
        w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(upload.CreatedTicks));
        w.WriteString("filename"u8, upload.Filename);
        w.WriteString("purpose"u8, upload.Purpose);
        w.WriteString("status"u8, upload.Status(nowTicks));
        w.WriteNumber("expires_at"u8, ResourceJson.UnixSeconds(upload.ExpiresTicks));
        if (upload.File is { } file)
        {
            w.WritePropertyName("file"u8);
            FileJson.Write(w, file, nowTicks);
        }
        else
        {
            w.WriteNull("file"u8);
        }

        w.WriteEndObject();
    }

    private static (string Message, string? Param, string? Code) NotPending(StoredUpload upload, string status) =>
        ($"Upload {upload.Id} is {status} and accepts no more changes.", null, "invalid_state");

    private async Task<StoredUpload?> FindAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (runtime.Uploads.TryGet(id, out var upload))
        {
            return upload;
        }

        await AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status404NotFound, $"No such Upload object: {id}", "invalid_request_error", "upload_id", null);
        return null;
    }
}
