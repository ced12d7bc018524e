using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Tokengate.Files;

namespace Tokengate.Batches;

/// <summary>
/// A gateway-run batch's output and error files, in the Batch API's line shape, written from the stored results in
/// line order as they stream to the file store (never whole in memory): answered lines with a 2xx status go to the
/// output file, other answers to the error file with their status and body, and lines that never ran (the batch was
/// cancelled or expired) to the error file with <c>batch_cancelled</c> / <c>batch_expired</c>.
/// </summary>
internal sealed class BatchOutput(BatchStore store, BatchSealing sealing, FileService files)
{
    /// <summary>Writes both files (an empty one is not written); their ids and the line counts.</summary>
    public async Task<(string? OutputFileId, string? ErrorFileId, int Succeeded, int Failed)> WriteAsync(BatchRecord batch, string unfinishedCode, CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var errors = new Pipe();
        var counts = (Succeeded: 0, Failed: 0);
        var writing = Task.Run(async () =>
        {
            try
            {
                await using var outputWriter = new Utf8JsonWriter(output.Writer);
                await using var errorWriter = new Utf8JsonWriter(errors.Writer);
                await foreach (var (line, customId, status, sealedResult) in store.LinesAsync(batch.Id, cancellationToken).ConfigureAwait(false))
                {
                    var succeeded = status is >= 200 and < 300;
                    var target = succeeded ? output.Writer : errors.Writer;
                    var json = succeeded ? outputWriter : errorWriter;
                    json.WriteStartObject();
                    json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"batch_req_{batch.Id[6..]}_{line}"));
                    json.WriteString("custom_id", customId);
                    if (sealedResult is not null)
                    {
                        json.WritePropertyName("response");
                        json.WriteRawValue(await sealing.OpenAsync(batch.Id, sealedResult, cancellationToken).ConfigureAwait(false), skipInputValidation: true);
                        json.WriteNull("error");
                    }
                    else
                    {
                        json.WriteNull("response");
                        json.WriteStartObject("error");
                        json.WriteString("code", unfinishedCode);
                        json.WriteString("message", unfinishedCode == "batch_expired"
                            ? "This line was not run before the batch's completion window ended."
                            : "This line was not run before the batch was cancelled.");
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                    await json.FlushAsync(cancellationToken).ConfigureAwait(false);
                    json.Reset();  // one JSON value per line
                    target.Write("\n"u8);
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (succeeded) counts.Succeeded++;
                    else counts.Failed++;
                }
                await output.Writer.CompleteAsync().ConfigureAwait(false);
                await errors.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await output.Writer.CompleteAsync(ex).ConfigureAwait(false);
                await errors.Writer.CompleteAsync(ex).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);

        // Both files are read at once: the writer fills whichever a line belongs to. Buffered to a temporary file each,
        // so a batch of any size is never held in memory, then stored only when not empty.
        var outputCopy = SpoolAsync(output.Reader, cancellationToken);
        var errorCopy = SpoolAsync(errors.Reader, cancellationToken);
        await writing.ConfigureAwait(false);
        await using var outputFile = await outputCopy.ConfigureAwait(false);
        await using var errorFile = await errorCopy.ConfigureAwait(false);
        var outputId = outputFile.Length == 0 ? null
            : (await files.CreateProducedAsync(batch.Consumer, batch.Id + "_output.jsonl", FilePurposes.BatchOutput, outputFile, cancellationToken).ConfigureAwait(false)).Id;
        var errorId = errorFile.Length == 0 ? null
            : (await files.CreateProducedAsync(batch.Consumer, batch.Id + "_error.jsonl", FilePurposes.BatchOutput, errorFile, cancellationToken).ConfigureAwait(false)).Id;
        return (outputId, errorId, counts.Succeeded, counts.Failed);
    }

    /// <summary>The Batch API's <c>response</c> object of an answered line: its status, request id and body.</summary>
    public static byte[] ResponseObject(int statusCode, string? requestId, ReadOnlySpan<byte> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(body.Length + 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("status_code", statusCode);
            json.WriteString("request_id", requestId ?? "");
            json.WritePropertyName("body");
            if (IsJson(body)) json.WriteRawValue(body, skipInputValidation: true);
            else json.WriteStringValue(Encoding.UTF8.GetString(body));
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsJson(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return false;
        try
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Copies a pipe to a temporary file that deletes itself when disposed, positioned at its start.</summary>
    private static async Task<FileStream> SpoolAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await reader.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
