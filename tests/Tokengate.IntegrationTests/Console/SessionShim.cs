using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Tokengate.IntegrationTests.Console;

/// <summary>
/// Stand-in for <c>/console/session</c> on a gateway that does not serve it yet: the browser's session calls are
/// answered here and admin calls carry the key. Installed only when the gateway answers 404 for the providers.
/// </summary>
internal static class SessionShim
{
    public static async Task InstallIfMissingAsync(IBrowserContext context, Uri gateway)
    {
        var http = new HttpClient { BaseAddress = gateway }; // lives as long as the routes that use it
        using (var probe = await http.GetAsync("/console/session/providers"))
            if (probe.StatusCode != HttpStatusCode.NotFound && (probe.Content.Headers.ContentType?.MediaType ?? "").Contains("json", StringComparison.Ordinal)) return;
        string? key = null;
        var origin = gateway.GetLeftPart(UriPartial.Authority);
        await context.RouteAsync(origin + "/console/session/providers", r => r.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = """{"key":true,"oidc":{"enabled":false}}""" }));
        await context.RouteAsync(origin + "/console/session", async r =>
        {
            if (r.Request.Method == "DELETE") { key = null; await r.FulfillAsync(new() { Status = 204 }); return; }
            if (r.Request.Method == "POST") key = JsonDocument.Parse(r.Request.PostData!).RootElement.GetProperty("key").GetString();
            if (key is null) { await r.FulfillAsync(new() { Status = 401, ContentType = "application/json", Body = """{"error":{"code":"unauthorized","message":"No session."}}""" }); return; }
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/whoami");
            request.Headers.Add("api-key", key);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode) { var status = (int)response.StatusCode; key = null; await r.FulfillAsync(new() { Status = status, ContentType = "application/json", Body = """{"error":{"code":"refused","message":"The key was refused."}}""" }); return; }
            using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var body = JsonSerializer.Serialize(new { name = me.RootElement.GetProperty("name").GetString(), roles = me.RootElement.GetProperty("roles"), authMethod = "key", csrfToken = "shim", expires = DateTimeOffset.UtcNow.AddHours(8) });
            await r.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = body });
        });
        await context.RouteAsync(origin + "/admin/**", async r =>
        {
            var headers = new Dictionary<string, string>(r.Request.Headers);
            if (key is not null) headers["api-key"] = key;
            await r.ContinueAsync(new() { Headers = headers });
        });
    }
}
