using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.OperatorConsole;

namespace Tokengate.Dashboard;

/// <summary>
/// <c>GET /dashboard</c> and its script and style, embedded in the assembly (no CDN). The page itself holds no data:
/// it asks for a reader key, keeps it in the tab's session storage, and sends it as the <c>api-key</c> header on
/// every admin API call, so the key never appears in a URL, a log line or the browser history.
/// </summary>
internal static class DashboardPage
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Assets = Load();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dashboard", (HttpContext context) => Serve(context, "index.html"));
        endpoints.MapGet("/dashboard/{file}", (HttpContext context, string file) => Serve(context, file));
        return endpoints;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Assets.TryGetValue(file, out var asset)) return Results.NotFound();
        // No inline script or style, no third-party origin: the page can only talk to the gateway itself.
        ConsoleSecurityHeaders.Apply(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Content, asset.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string Prefix = "Tokengate.Dashboard.";
        var assembly = typeof(DashboardPage).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var file = name[Prefix.Length..];
            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            };
            assets[file] = (memory.ToArray(), type);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
