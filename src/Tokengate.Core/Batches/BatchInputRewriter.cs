using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tokengate.Batches;

/// <summary>
/// A batch deployment takes only lines that name it in <c>body.model</c>, while the consumer's lines name the gateway's
/// deployment (the pool). This writes a copy of the input with every line's <c>body.model</c> set to the backend's
/// deployment name, line by line from the decrypted stream into a temporary file (never whole in memory). A line that is
/// not JSON or has no <c>body</c> object is copied as it is: the service's validation names it in the batch's errors.
/// </summary>
internal static class BatchInputRewriter
{
    /// <summary>Writes the rewritten copy to <paramref name="target"/> (left at its end); the lines written.</summary>
    public static async Task<int> RewriteAsync(Stream source, Stream target, string deployment, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(source, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var lines = 0;
        var newline = "\n"u8.ToArray();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var bytes = Rewrite(text, deployment) ?? Encoding.UTF8.GetBytes(text);
            await target.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await target.WriteAsync(newline, cancellationToken).ConfigureAwait(false);
            lines++;
        }
        return lines;
    }

    /// <summary>The line with <c>body.model</c> set to <paramref name="deployment"/>, or null to copy it unchanged.</summary>
    internal static byte[]? Rewrite(string line, string deployment)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject root || root["body"] is not JsonObject body) return null;
            body["model"] = deployment;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(line.Length + 32);
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                root.WriteTo(json);
            return buffer.WrittenSpan.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
