using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Serves the PNGs that dall-e-3 answers by URL, the way Azure hands out blob-storage URLs. Nothing is stored: the
/// name carries the image's seed and size, and the same bytes are drawn again on every GET, so a URL keeps working for
/// as long as the simulator runs (and across restarts). No key is needed, as with a SAS URL.
/// </summary>
internal sealed class ImageBlobHandler
{
    public const string RoutePattern = "/_simulator/blobs/{name}";

    private static readonly HashSet<string> Sizes = ["1024x1024", "1792x1024", "1024x1792"];

    /// <summary>The path of one generated image: <c>/_simulator/blobs/img-{seed}-{width}x{height}.png</c>.</summary>
    public static string PathOf(ulong seed, int width, int height) =>
        string.Create(CultureInfo.InvariantCulture, $"/_simulator/blobs/img-{seed:x16}-{width}x{height}.png");

    public async Task GetAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        if (!TryParse(name, out var seed, out var width, out var height))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                """<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>""",
                context.RequestAborted);
            return;
        }

        var png = ImageRenderer.Render(seed, width, height, ImageFormat.Png, transparent: false);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "image/png";
        context.Response.ContentLength = png.Length;
        await context.Response.Body.WriteAsync(png, context.RequestAborted);
    }

    private static bool TryParse(string name, out ulong seed, out int width, out int height)
    {
        seed = 0;
        width = 0;
        height = 0;
        var parts = name.Split('-');
        if (parts.Length != 3 || parts[0] != "img" || !parts[2].EndsWith(".png", StringComparison.Ordinal)
            || !ulong.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed))
        {
            return false;
        }

        var size = parts[2][..^".png".Length];
        if (!Sizes.Contains(size))
        {
            return false;
        }

        (width, height) = ImageRenderer.Parse(size);
        return true;
    }
}
