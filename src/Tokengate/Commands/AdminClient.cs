using System.Net.Http.Json;
using System.Text.Json;
using Tokengate.Identity;

namespace Tokengate.Commands;

/// <summary>
/// Calls the admin API of the gateway running on a data folder, found through the <c>gateway.json</c> and
/// <c>operator.key</c> files it writes there. Every failure is reported on standard error in one plain sentence.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    private AdminClient(HttpClient http) => _http = http;

    /// <summary>A client for the running gateway, or null (after saying why) when there is none.</summary>
    public static async Task<AdminClient?> ConnectAsync(DirectoryInfo data, CancellationToken cancellationToken)
    {
        var discovery = await GatewayDiscovery.ReadAsync(data.FullName, cancellationToken).ConfigureAwait(false);
        var keyPath = Path.Combine(data.FullName, GatewayDiscovery.KeyFileName);
        if (discovery is null || !File.Exists(keyPath))
        {
            await Console.Error.WriteLineAsync(
                $"No running Tokengate gateway found: {Path.Combine(data.FullName, GatewayDiscovery.FileName)} does not exist. " +
                "Start one with 'tokengate up' (or 'tokengate serve'), or point at its data folder with --data.").ConfigureAwait(false);
            return null;
        }
        var key = (await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false)).Trim();
        var http = new HttpClient { BaseAddress = discovery.AdminUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("api-key", key);
        return new AdminClient(http);
    }

    /// <summary>Sends one admin request; the JSON answer on success, or null after printing the error.</summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync(
                $"The Tokengate gateway at {_http.BaseAddress} is not reachable ({ex.Message}); it is probably not running any more. " +
                "Start it with 'tokengate up', or point at another data folder with --data.").ConfigureAwait(false);
            return null;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            // 204 No Content (a removal): nothing to show but success.
            if (response.IsSuccessStatusCode && text.Length == 0) return JsonDocument.Parse("{}").RootElement.Clone();
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                await Console.Error.WriteLineAsync($"The gateway answered {(int)response.StatusCode} with a body that is not JSON.").ConfigureAwait(false);
                return null;
            }
            if (response.IsSuccessStatusCode) return json;
            var message = json.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var m) ? m.GetString() : text;
            await Console.Error.WriteLineAsync($"Error {(int)response.StatusCode}: {message}").ConfigureAwait(false);
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
