using System.Buffers.Text;
using System.Text;
using Microsoft.Net.Http.Headers;
using Tokengate.OpenAI;

namespace Tokengate.Media;

/// <summary>
/// Reads a <c>multipart/form-data</c> upload in place, once: the fields the gateway acts on (<c>model</c>,
/// <c>stream</c>, <c>n</c>, <c>size</c>, <c>quality</c>, <c>prompt</c>) and where the <c>file</c> part lies, as offsets
/// into the body, so the file is never copied or read twice and the <c>model</c> value can be replaced for a backend
/// that takes it there. ASP.NET Core's <c>MultipartReader</c> reads sections as streams without their offsets, which
/// a rewrite needs, so the framing (RFC 7578) is scanned here; every delimiter search is a vectorised span search.
/// </summary>
internal static class MultipartForm
{
    private const int MaxHeaderBytes = 16 * 1024;

    /// <summary>The file extensions the transcription and translation APIs accept.</summary>
    public static readonly string[] AudioExtensions = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];

    /// <summary>The boundary of a <c>multipart/form-data</c> content type; null when it is something else.</summary>
    public static string? Boundary(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return null;
        if (!parsed.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return null;
        var boundary = HeaderUtilities.RemoveQuotes(parsed.Boundary);
        return boundary.Length is > 0 and <= 200 ? boundary.ToString() : null;
    }

    /// <summary>
    /// Reads the fields of <paramref name="body"/> into <paramref name="request"/>; false with an error in the words
    /// the service uses when the framing is broken or a field the gateway reads is invalid.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, string boundary, out ParsedRequest request, out string? error)
    {
        request = new ParsedRequest { N = 1 };
        if (!TryScan(body, boundary, out var parts, out error)) return false;
        foreach (var part in parts)
        {
            if (!ReadField(body, part, ref request, out error)) return false;
        }
        return true;
    }

    /// <summary>
    /// The form as a log may keep it: its text fields (each cut at <paramref name="maxFieldBytes"/>) and, for each file,
    /// its name and size but never its bytes. UTF-8 JSON; the empty object when the framing is broken.
    /// </summary>
    public static byte[] Describe(ReadOnlySpan<byte> body, string boundary, int maxFieldBytes = 4096)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (TryScan(body, boundary, out var parts, out _))
            {
                foreach (var part in parts)
                {
                    if (part.FileName is null)
                    {
                        json.WriteString(part.Name, Encoding.UTF8.GetString(body.Slice(part.Start, Math.Min(part.Length, maxFieldBytes))));
                        continue;
                    }
                    json.WriteStartObject(part.Name);
                    json.WriteString("filename", part.FileName);
                    json.WriteNumber("bytes", part.Length);
                    json.WriteEndObject();
                }
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Finds every part: its field name, file name (null for a text field) and where its content lies.</summary>
    private static bool TryScan(ReadOnlySpan<byte> body, string boundary, out List<Part> parts, out string? error)
    {
        parts = new List<Part>(4);
        error = null;
        Span<byte> delimiter = stackalloc byte[boundary.Length + 4];
        "\r\n--"u8.CopyTo(delimiter);
        Encoding.ASCII.GetBytes(boundary, delimiter[4..]);

        // The first delimiter may open the body (no preamble) or follow one.
        var first = body.StartsWith(delimiter[2..]) ? 0 : body.IndexOf(delimiter);
        if (first < 0) return Fail("The multipart body has no part with the boundary its Content-Type names.", out error);
        var at = first + (first == 0 ? delimiter.Length - 2 : delimiter.Length);
        while (true)
        {
            var rest = body[at..];
            if (rest.StartsWith("--"u8)) return true;  // the closing delimiter
            if (!rest.StartsWith("\r\n"u8)) return Fail("The multipart body is malformed: a boundary is not followed by a line break.", out error);
            at += 2;

            var headersLength = body[at..].IndexOf("\r\n\r\n"u8);
            if (headersLength < 0 || headersLength > MaxHeaderBytes) return Fail("The multipart body is malformed: a part's headers do not end.", out error);
            var contentStart = at + headersLength + 4;
            var contentLength = body[contentStart..].IndexOf(delimiter);
            if (contentLength < 0) return Fail("The multipart body is malformed: it ends before its closing boundary.", out error);
            if (!TryReadDisposition(body.Slice(at, headersLength), out var name, out var fileName, out error)) return false;
            parts.Add(new Part(name, fileName, contentStart, contentLength));
            at = contentStart + contentLength + delimiter.Length;
        }
    }

    /// <summary>
    /// The body with the <c>model</c> field's value replaced by <paramref name="model"/>, or, when the form has no
    /// <c>model</c>, with one added as its first part.
    /// </summary>
    public static byte[] WithModel(ReadOnlySpan<byte> body, in ParsedRequest parsed, string boundary, string model)
    {
        var value = Encoding.UTF8.GetBytes(model);
        if (parsed.ModelTokenLength > 0 || parsed.Model is not null)
        {
            var result = new byte[body.Length - parsed.ModelTokenLength + value.Length];
            body[..parsed.ModelTokenStart].CopyTo(result);
            value.CopyTo(result.AsSpan(parsed.ModelTokenStart));
            body[(parsed.ModelTokenStart + parsed.ModelTokenLength)..].CopyTo(result.AsSpan(parsed.ModelTokenStart + value.Length));
            return result;
        }
        var part = Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n");
        var start = body.IndexOf(Encoding.ASCII.GetBytes("--" + boundary));
        if (start < 0) start = 0;
        var inserted = new byte[body.Length + part.Length];
        body[..start].CopyTo(inserted);
        part.CopyTo(inserted.AsSpan(start));
        body[start..].CopyTo(inserted.AsSpan(start + part.Length));
        return inserted;
    }

    /// <summary>Whether a file name ends in an audio extension the transcription APIs accept.</summary>
    public static bool IsAudioFileName(string? name)
    {
        var dot = name?.LastIndexOf('.') ?? -1;
        if (dot < 0) return false;
        var extension = name.AsSpan(dot + 1);
        foreach (var known in AudioExtensions)
        {
            if (extension.Equals(known, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static bool TryReadDisposition(ReadOnlySpan<byte> headers, out string name, out string? fileName, out string? error)
    {
        name = "";
        fileName = null;
        error = null;
        var found = false;
        while (!headers.IsEmpty)
        {
            var end = headers.IndexOf("\r\n"u8);
            var line = end < 0 ? headers : headers[..end];
            headers = end < 0 ? default : headers[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0 || !Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), "Content-Disposition"u8)) continue;
            if (!ContentDispositionHeaderValue.TryParse(Encoding.UTF8.GetString(line[(colon + 1)..]), out var disposition) || !disposition.Name.HasValue)
                return Fail("The multipart body is malformed: a part's Content-Disposition cannot be read.", out error);
            name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            fileName = disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).ToString() : null;
            found = true;
        }
        return found || Fail("The multipart body is malformed: a part has no Content-Disposition name.", out error);
    }

    private static bool ReadField(ReadOnlySpan<byte> body, Part part, ref ParsedRequest request, out string? error)
    {
        error = null;
        var (start, length) = (part.Start, part.Length);
        var content = body.Slice(start, length);
        switch (part.Name)
        {
            case "model":
                request.Model = Encoding.UTF8.GetString(content);
                request.ModelTokenStart = start;
                request.ModelTokenLength = length;
                break;
            case "stream":
                if (!TryReadBool(content, out request.Stream)) return Fail("Invalid value for 'stream': expected true or false.", out error);
                break;
            case "n":
                if (!Utf8Parser.TryParse(content, out int n, out var consumed) || consumed != content.Length || n is < 1 or > RequestBodyParser.MaxChoices)
                    return Fail($"Invalid value for 'n': expected an integer from 1 to {RequestBodyParser.MaxChoices}.", out error);
                request.N = n;
                break;
            case "size":
                request.ImageSize = Encoding.UTF8.GetString(content);
                break;
            case "quality":
                request.ImageQuality = Encoding.UTF8.GetString(content);
                break;
            case "prompt":
                request.PromptStart = start;
                request.PromptLength = length;
                break;
            case "file":
                request.FileName = part.FileName ?? "";
                request.FileStart = start;
                request.FileLength = length;
                break;
        }
        return true;
    }

    private static bool TryReadBool(ReadOnlySpan<byte> value, out bool result)
    {
        result = Ascii.EqualsIgnoreCase(value, "true"u8);
        return result || Ascii.EqualsIgnoreCase(value, "false"u8);
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    private readonly record struct Part(string Name, string? FileName, int Start, int Length);
}
