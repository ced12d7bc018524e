using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>
/// What a browser does with the console's session: keeps cookies (and sends them back by their domain and path),
/// follows no redirects by itself, and adds the CSRF token it was given to changes.
/// </summary>
internal sealed class ConsoleSessionClient : IDisposable
{
    public ConsoleSessionClient(Uri gateway)
    {
        Handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true };
        Client = new HttpClient(Handler) { BaseAddress = gateway };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClientHandler Handler { get; }

    public HttpClient Client { get; }

    /// <summary>The CSRF token of the session opened last.</summary>
    public string? Csrf { get; set; }

    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var response = await Client.PostAsJsonAsync("console/session", new { key });
        if (response.IsSuccessStatusCode) Csrf = (await ReadAsync(response)).GetProperty("csrfToken").GetString();
        return response;
    }

    /// <summary>A call with the session cookie; <paramref name="csrf"/> adds the token, <paramref name="origin"/> an Origin header.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, bool csrf = true, string? origin = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = JsonContent.Create(json);
        if (csrf && Csrf is not null) request.Headers.Add("x-tokengate-csrf", Csrf);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public string? Cookie(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name && !c.Expired)?.Value;

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}
