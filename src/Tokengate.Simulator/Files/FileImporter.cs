namespace Tokengate.Simulator.Files;

/// <summary>Fetches the content of <c>POST /openai/files/import</c> from its URL (a SAS URL on the real service).</summary>
internal sealed class FileImporter : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>The bytes, or null and why not.</summary>
    public async Task<(byte[]? Content, string? Failure)> DownloadAsync(Uri url, int maxBytes, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"the server answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return (null, $"it is larger than {maxBytes} bytes.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81_920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, $"it is larger than {maxBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), null);
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "the download timed out.");
        }
    }

    public void Dispose() => _http.Dispose();
}
