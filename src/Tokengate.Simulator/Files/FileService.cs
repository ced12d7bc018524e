using System.Globalization;
using System.Text.Json;
using Tokengate.Simulator.Hosting;

namespace Tokengate.Simulator.Files;

/// <summary>Creates the resource's files, whichever call brings the bytes (upload, import, completed upload, job results).</summary>
internal sealed class FileService(SimulatorRuntime runtime)
{
    public StoredFile Create(string filename, string purpose, byte[] content, long? expiresAfterSeconds)
    {
        var now = runtime.NowTicks;
        var processedAt = now;
        string? error = null;
        if (purpose == FilePurposes.FineTune)
        {
            processedAt = now + TimeSpan.FromMilliseconds(runtime.Options.FineTuning.FileProcessingMs).Ticks;
            error = JsonlError(content);
        }

        var expires = expiresAfterSeconds is long seconds ? now + TimeSpan.FromSeconds(seconds).Ticks : (long?)null;
        var file = new StoredFile(FileIds.New("file-"), filename, purpose, content, now, expires, processedAt, error);
        runtime.Files.Add(file);
        return file;
    }

    /// <summary>
    /// The expiry in seconds from an <c>expires_after</c> anchor and seconds (both absent: none), or null with the
    /// 400 the service answers.
    /// </summary>
    public static bool TryReadExpiry(string? anchor, string? secondsText, out long? seconds, out (string Message, string? Param, string? Code) error)
    {
        seconds = null;
        error = default;
        if (anchor is null && secondsText is null)
        {
            return true;
        }

        if (anchor != "created_at")
        {
            error = ($"Invalid value: '{anchor}'. Supported values are: 'created_at'.", "expires_after.anchor", "invalid_value");
            return false;
        }

        if (!long.TryParse(secondsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            error = ($"Invalid type for 'expires_after.seconds': expected an integer, but got '{secondsText}' instead.", "expires_after.seconds", "invalid_type");
            return false;
        }

        if (value is < FilePurposes.MinExpirySeconds or > FilePurposes.MaxExpirySeconds)
        {
            error = (string.Create(CultureInfo.InvariantCulture,
                $"Invalid 'expires_after.seconds': expected a value between {FilePurposes.MinExpirySeconds} and {FilePurposes.MaxExpirySeconds}, but got {value} instead."),
                "expires_after.seconds", "invalid_value");
            return false;
        }

        seconds = value;
        return true;
    }

    /// <summary>Why the bytes are not JSON Lines (one JSON object per non-empty line), or null when they are.</summary>
    public static string? JsonlError(byte[] content)
    {
        var span = content.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return "Invalid file format. The file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM.";
        }

        var line = 0;
        var examples = 0;
        while (span.Length > 0)
        {
            line++;
            var end = span.IndexOf((byte)'\n');
            var text = end < 0 ? span : span[..end];
            span = end < 0 ? [] : span[(end + 1)..];
            text = text.TrimEnd((byte)'\r');
            if (text.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(text.ToArray());
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Invalid(line);
                }
            }
            catch (JsonException)
            {
                return Invalid(line);
            }

            examples++;
        }

        return examples == 0 ? "Invalid file format. The file is empty." : null;

        static string Invalid(int line) =>
            string.Create(CultureInfo.InvariantCulture, $"Invalid file format. Line {line} is not a JSON object.");
    }
}
