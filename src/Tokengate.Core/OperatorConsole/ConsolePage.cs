using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tokengate.OperatorConsole;

namespace Tokengate.OperatorConsole;

/// <summary>
/// The operator console: <c>GET /console</c> and its scripts, styles and vendored libraries (Preact, htm,
/// Chart.js), embedded in the assembly so the gateway serves everything itself (no CDN, works offline). The page
/// holds no data and no key: it signs in through <c>/console/session</c> (an HttpOnly cookie) and every action it
/// offers is an admin API call. <c>/dashboard</c>, the console's old address, redirects here.
/// </summary>
internal static class ConsolePage
{
    private const string ResourcePrefix = "Tokengate.OperatorConsole.";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Assets = Load();

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console", (HttpContext context) => Serve(context, "index.html"));
        // Literal routes (/console/session, /console/signin/...) take precedence over this catch-all.
        endpoints.MapGet("/console/{**path}", (HttpContext context, string? path) => Serve(context, path ?? "index.html"));
        endpoints.MapGet("/dashboard", () => Results.Redirect("/console", permanent: true));
        endpoints.MapGet("/dashboard/{**rest}", () => Results.Redirect("/console", permanent: true));
        return endpoints;
    }

    // Only a path that is exactly an embedded asset's name is served; nothing is read from the file system, so
    // "../" or an absolute path can only miss.
    private static IResult Serve(HttpContext context, string path)
    {
        if (!Assets.TryGetValue(path, out var asset)) return Results.NotFound();
        // No inline script or style, no third-party origin: the page can only talk to the gateway itself.
        ConsoleSecurityHeaders.Apply(context.Response);
        var headers = context.Response.Headers;
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Content, asset.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsolePage).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            // The project names each resource after its path under Assets/, with '/' between folders.
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            var type = Path.GetExtension(path) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" or ".mjs" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                ".woff2" => "font/woff2",
                ".txt" => "text/plain; charset=utf-8",
                _ => "application/octet-stream",
            };
            assets[path] = (memory.ToArray(), type);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
