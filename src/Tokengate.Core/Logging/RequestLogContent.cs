using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tokengate.Logging;

/// <summary>
/// Finds one request's logged content (the redacted request and completion) in the encrypted full logs, by its
/// <c>requestId</c>. A full log file is named by the time its batch was written, just after the requests in it, so
/// only files written from a minute before the request to an hour after it are opened; each is decrypted with
/// <see cref="RequestLogFile"/> and the writer's key, in memory only.
/// </summary>
internal static class RequestLogContent
{
    private const string NameFormat = "yyyyMMdd'T'HHmmssfff";

    public static RequestLogContentResult Find(RequestLogWriter writer, RequestLogOptions options, RequestLogRecord record)
    {
        var policy = RequestLogMiddleware.PolicyFor(options, record.Consumer, record.Group);
        var directory = writer.Directory;
        var files = Directory.Exists(directory) ? Candidates(directory, record.At).ToList() : [];
        if (files.Count == 0) return new(policy == RequestLogPolicy.Full ? ContentAvailability.Unavailable : ContentAvailability.NotRecorded);

        byte[] key;
        try
        {
            key = writer.KeyEncryptionKey();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return new(ContentAvailability.Unreadable);
        }
        try
        {
            var marker = $"\"requestId\":\"{record.Id}\"";
            var unreadable = false;
            foreach (var file in files)
            {
                byte[] plaintext;
                try
                {
                    plaintext = RequestLogFile.Read(file, key);
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or CryptographicException)
                {
                    unreadable = true;
                    continue;
                }
                try
                {
                    foreach (var line in Encoding.UTF8.GetString(plaintext).Split('\n'))
                    {
                        if (!line.Contains(marker, StringComparison.Ordinal)) continue;
                        using var entry = JsonDocument.Parse(line);
                        return new(ContentAvailability.Available, Text(entry.RootElement, "request"), Text(entry.RootElement, "completion"));
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                }
            }
            return new(unreadable ? ContentAvailability.Unreadable
                : policy == RequestLogPolicy.Full ? ContentAvailability.Unavailable
                : ContentAvailability.NotRecorded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static string? Text(JsonElement entry, string name) => entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Full log files written from a minute before <paramref name="at"/> to an hour after it.</summary>
    private static IEnumerable<string> Candidates(string directory, DateTimeOffset at)
    {
        var from = at.UtcDateTime.AddMinutes(-1);
        var to = at.UtcDateTime.AddHours(1);
        foreach (var path in Directory.EnumerateFiles(directory, "full-*" + RequestLogFile.Extension))
        {
            var name = Path.GetFileName(path);
            if (name.Length < 5 + 18) continue;  // full- and the 18 characters of the time
            if (!DateTime.TryParseExact(name.AsSpan(5, 18), NameFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var written)) continue;
            if (written >= from && written <= to) yield return path;
        }
    }
}
