using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>Reads an admin request body, answering malformed or missing JSON with an Azure-shaped 400 rather than the framework's.</summary>
internal static class AdminJsonBody
{
    private const int MaxBytes = 64 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The body as <typeparamref name="T"/>; null without error when the body is empty and <paramref name="required"/> is false.</summary>
    public static async Task<(T? Value, GatewayError? Error)> ReadAsync<T>(HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, AdminErrors.BadRequest($"The request body is larger than {MaxBytes} bytes."));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return required ? (null, AdminErrors.BadRequest("A JSON body is required.")) : (null, null);
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return value is null ? (null, AdminErrors.BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, AdminErrors.BadRequest($"The body is not valid JSON for this operation: {ex.Message}"));
        }
    }
}
