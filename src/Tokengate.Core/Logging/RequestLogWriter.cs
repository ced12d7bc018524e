using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Secrets;
using Tokengate.Hosting;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.Logging;

/// <summary>
/// Writes queued request log entries in batches, off the request path: metadata entries appended as JSON lines to
/// <c>metadata-yyyyMMdd.jsonl</c>; full entries redacted, then sealed into one encrypted file per batch
/// (<see cref="RequestLogFile"/>). Deletes files past the retention. Drains the queue completely on shutdown.
/// </summary>
internal sealed partial class RequestLogWriter(
    RequestLogQueue queue, IOptions<RequestLogOptions> options, IOptions<DataOptions> data, ISecretResolver secrets, TimeProvider time, ILogger<RequestLogWriter> logger)
    : QueueDrainingWriter
{
    private const int BatchSize = 200;
    private const string DateFormat = "yyyyMMdd";
    private readonly PatternRedactor _redactor = new(options.Value);
    private DateTimeOffset _retentionCheckedAt = DateTimeOffset.MinValue;

    public string Directory => options.Value.Directory ?? Path.Combine(data.Value.Directory, "request-logs");

    protected override void CompleteQueue() => queue.Complete();

    protected override async Task RunAsync()
    {
        var batch = new List<RequestLogEntry>(BatchSize);
        ApplyRetention();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var entry)) batch.Add(entry);
            try
            {
                Write(batch);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or CryptographicException)
            {
                LogWriteFailed(logger, ex, batch.Count);
            }
            batch.Clear();
            if (time.GetUtcNow() - _retentionCheckedAt > TimeSpan.FromHours(1)) ApplyRetention();
        }
    }

    internal void Write(IReadOnlyList<RequestLogEntry> batch)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var now = time.GetUtcNow();
        var metadata = new MemoryStream();
        var full = new MemoryStream();
        foreach (var entry in batch)
        {
            var target = entry.Policy == RequestLogPolicy.Full ? full : metadata;
            using (var json = new Utf8JsonWriter(target))
                WriteEntry(json, entry);
            target.WriteByte((byte)'\n');
        }
        if (metadata.Length > 0)
        {
            using var file = new FileStream(Path.Combine(Directory, $"metadata-{now.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture)}.jsonl"),
                FileMode.Append, FileAccess.Write, FileShare.Read);
            metadata.WriteTo(file);
        }
        if (full.Length > 0)
        {
            var key = KeyEncryptionKey();
            var plaintext = full.GetBuffer().AsSpan(0, (int)full.Length);
            try
            {
                var name = $"full-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}{RequestLogFile.Extension}";
                RequestLogFile.Write(Path.Combine(Directory, name), key, plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>Deletes log files whose date (in the name) is older than the retention.</summary>
    internal void ApplyRetention()
    {
        _retentionCheckedAt = time.GetUtcNow();
        if (!System.IO.Directory.Exists(Directory)) return;
        var cutoff = time.GetUtcNow().UtcDateTime.Date.AddDays(-options.Value.RetentionDays);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0 || name.Length < dash + 1 + DateFormat.Length) continue;
            if (!DateTime.TryParseExact(name.AsSpan(dash + 1, DateFormat.Length), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)) continue;
            if (day < cutoff)
            {
                File.Delete(path);
                LogDeleted(logger, name);
            }
        }
    }

    /// <summary>The key-encryption key of full logs (the caller zeroes it after use).</summary>
    internal byte[] KeyEncryptionKey()
    {
        var reference = options.Value.EncryptionKey ?? throw new InvalidOperationException("Tokengate:RequestLogging:EncryptionKey is not set.");
        var key = Convert.FromBase64String(secrets.Resolve(reference).Trim());
        if (key.Length != 32) throw new InvalidOperationException("Tokengate:RequestLogging:EncryptionKey must be 32 bytes in base64.");
        return key;
    }

    private void WriteEntry(Utf8JsonWriter json, RequestLogEntry e)
    {
        json.WriteStartObject();
        json.WriteString("at", e.At);
        if (e.RequestId != Guid.Empty) json.WriteString("requestId", e.RequestId);
        json.WriteString("policy", e.Policy == RequestLogPolicy.Full ? "full" : "metadata");
        json.WriteString("consumer", e.Consumer);
        if (e.Group is not null) json.WriteString("group", e.Group);
        json.WriteString("pool", e.Pool);
        if (e.Backend is not null) json.WriteString("backend", e.Backend);
        json.WriteString("operation", e.Operation.TelemetryName);
        json.WriteNumber("status", e.Status);
        json.WriteBoolean("stream", e.Stream);
        json.WriteNumber("latencyMs", Math.Round(e.LatencyMs, 1));
        json.WriteNumber("attempts", e.Attempts);
        json.WriteNumber("promptTokens", e.PromptTokens);
        json.WriteNumber("completionTokens", e.CompletionTokens);
        if (e.Screening is { } screening) Screening.ScreeningLogJson.Write(json, screening);
        if (e.Policy == RequestLogPolicy.Full)
        {
            if (e.RequestBody is not null) json.WriteString("request", _redactor.RedactText(ToolSecretRedaction.Redact(e.RequestBody)));
            var completion = e.StreamedText ?? (e.ResponseBody is null ? null : CompletionText.From(e.ResponseBody));
            if (completion is not null) json.WriteString("completion", _redactor.RedactText(completion));
        }
        json.WriteEndObject();
    }

    [LoggerMessage(1, LogLevel.Error, "Writing {Count} request log entries failed; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(2, LogLevel.Information, "Deleted request log file {File}: past its retention")]
    private static partial void LogDeleted(ILogger logger, string file);
}
