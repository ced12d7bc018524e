using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.FineTuning;

/// <summary>
/// Puts a gateway file on a backend before a job there uses it: once per file and backend (the placement is
/// recorded in <c>file_placements</c> and reused while the backend still has the file), streamed from the blob store
/// as it is decrypted, then awaited until the backend has processed it (polled on the gateway's clock, within the
/// caller's deadline).
/// </summary>
internal sealed partial class FilePlacer(FileService files, FileCatalog catalog, FineTuningBackendClient backends, TimeProvider time, ILogger<FilePlacer> logger)
{
    /// <summary>How often a file the backend is still processing is looked at again.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The backend's id of <paramref name="file"/> (the consumer's own), once the backend has processed it. Connection
    /// failures and timeouts of single calls are thrown; the deadline passing is a 504.
    /// </summary>
    public async Task<FilePlacement> PlaceAsync(StoredFile file, Backend backend, DateTimeOffset deadline, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        string? placed = await catalog.FindPlacementAsync(file.Id, backend.Name, cancellationToken).ConfigureAwait(false);
        BackendReply reply = null!;
        if (placed is not null)
        {
            reply = await backends.SendAsync(backend, HttpMethod.Get, FineTuningUpstream.Files(backend, placed), null, callTimeout, cancellationToken).ConfigureAwait(false);
            if (reply.Status == 404)
            {
                // The backend no longer has it (it expired or was deleted there): place it again.
                await catalog.RemovePlacementAsync(file.Id, backend.Name, cancellationToken).ConfigureAwait(false);
                placed = null;
            }
            else if (!reply.IsSuccess)
            {
                return FilePlacement.RefusedBy(reply);
            }
        }

        if (placed is null)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent(FilePurposes.FineTune), "purpose");
            var content = new PlacedFileContent(async ct => (await files.OpenAsync(file.Id, file.Consumer, ct).ConfigureAwait(false))?.Content
                ?? throw new InvalidOperationException($"The file {file.Id} disappeared while it was being placed."), file.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(content, "file", file.Filename);
            // The upload may take long for a large file: it is bounded by the whole request's deadline, not one call's.
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) return FilePlacement.Failed(GatewayError.Timeout(backend.Name));
            reply = await backends.SendAsync(backend, HttpMethod.Post, FineTuningUpstream.Files(backend), form, remaining, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess) return FilePlacement.RefusedBy(reply);
            if (ReadFile(reply.Body).Id is not { } id)
                return FilePlacement.RefusedBy(reply with { Status = 502 });
            placed = id;
            // Recorded at once, before it is processed: a later job (or a retry of this one) finds it instead of uploading again.
            await catalog.AddPlacementAsync(file.Id, backend.Name, placed, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogPlaced(logger, file.Id, backend.Name, placed, file.Bytes);
        }

        while (true)
        {
            var (_, status, details) = ReadFile(reply.Body);
            if (status == "error")
            {
                return FilePlacement.Failed(GatewayError.InvalidBody(
                    $"The file {file.Id} was not accepted for fine-tuning: {details ?? "the service found it invalid"}.", "training_file"));
            }
            if (IsReady(status, backend)) return FilePlacement.Placed(placed);
            if (time.GetUtcNow() + PollInterval >= deadline) return FilePlacement.Failed(GatewayError.Timeout(backend.Name));
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            reply = await backends.SendAsync(backend, HttpMethod.Get, FineTuningUpstream.Files(backend, placed), null, callTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess) return FilePlacement.RefusedBy(reply);
        }
    }

    /// <summary>
    /// Whether a job can use the file: <c>processed</c>; on an OpenAI-protocol backend also <c>uploaded</c> or no status
    /// (its <c>status</c> field is deprecated there).
    /// </summary>
    private static bool IsReady(string? status, Backend backend) =>
        status == "processed" || (backend.Protocol == BackendProtocol.OpenAI && status is null or "uploaded");

    private static (string? Id, string? Status, string? Details) ReadFile(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            return (Text(root, "id"), Text(root, "status"), Text(root, "status_details"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(2101, LogLevel.Information, "File {FileId} placed on backend {Backend} as {BackendFileId} ({Bytes} bytes)")]
    private static partial void LogPlaced(ILogger logger, string fileId, string backend, string backendFileId, long bytes);
}
