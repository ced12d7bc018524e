using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Media;

/// <summary>
/// A <c>multipart/form-data</c> body read once: text fields by name (repeated fields keep every value) and file parts
/// in memory. A file over <see cref="MaxFileBytes"/> is answered 413 as the service answers it, after the rest of the
/// body has been read, so the client sees the answer rather than a reset while it is still sending.
/// </summary>
internal sealed class MediaForm
{
    /// <summary>The service's upload limit per file: 25 MB.</summary>
    public const int MaxFileBytes = 25 * 1024 * 1024;

    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);
    private readonly List<MediaFile> _files = [];

    public IReadOnlyList<MediaFile> Files => _files;

    /// <summary>The first value of a text field, or null.</summary>
    public string? Field(string name) => _fields.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary>Every value of a text field sent as <c>name</c> or <c>name[]</c>, in order.</summary>
    public IReadOnlyList<string> Values(string name)
    {
        var values = new List<string>();
        if (_fields.TryGetValue(name, out var plain))
        {
            values.AddRange(plain);
        }

        if (_fields.TryGetValue(name + "[]", out var bracketed))
        {
            values.AddRange(bracketed);
        }

        return values;
    }

    /// <summary>The file parts sent as <c>name</c> or <c>name[]</c>.</summary>
    public IReadOnlyList<MediaFile> FilesNamed(string name) =>
        [.. _files.Where(f => f.Name == name || f.Name == name + "[]")];

    /// <summary>Whether any text field contains <paramref name="marker"/> (the content-fault rule's view of a form).</summary>
    public bool ContainsText(string marker) => _fields.Values.Any(values => values.Any(v => v.Contains(marker, StringComparison.Ordinal)));

    /// <summary>The parsed form, or null after the 400 or 413 it earned has been written.</summary>
    /// <param name="context">The request.</param>
    /// <param name="maxFileBytes">The largest file part accepted; default the media operations' 25 MB.</param>
    public static async Task<MediaForm?> ReadAsync(HttpContext context, int maxFileBytes = MaxFileBytes)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            await AzureErrors.WriteInvalidRequestAsync(context,
                $"Invalid Content-Type header ({request.ContentType}), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')");
            return null;
        }

        var form = new MediaForm();
        var ct = context.RequestAborted;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value
                    : disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value
                    : null;
                if (fileName is null)
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var value = await text.ReadToEndAsync(ct);
                    if (!form._fields.TryGetValue(name, out var values))
                    {
                        form._fields[name] = values = [];
                    }

                    values.Add(value);
                    continue;
                }

                var content = await ReadLimitedAsync(section.Body, maxFileBytes, ct);
                if (content is null)
                {
                    await request.Body.CopyToAsync(Stream.Null, ct);
                    await TooLargeAsync(context, request.ContentLength, maxFileBytes);
                    return null;
                }

                form._files.Add(new MediaFile(name, fileName, section.ContentType, content));
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Larger than the server accepts at all (Kestrel's request body limit).
            await TooLargeAsync(context, request.ContentLength, maxFileBytes);
            return null;
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            await AzureErrors.WriteInvalidRequestAsync(context, "The multipart/form-data body could not be parsed: " + exception.Message);
            return null;
        }

        return form;
    }

    /// <summary>The part's bytes, or null once it passes the limit.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int maxFileBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxFileBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task TooLargeAsync(HttpContext context, long? contentLength, int maxFileBytes) =>
        AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status413PayloadTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"Maximum content size limit ({maxFileBytes}) exceeded ({contentLength ?? (maxFileBytes + 1L)} bytes read)"),
            "server_error", null, null);
}
