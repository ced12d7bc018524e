namespace Tokengate.Simulator.Media;

/// <summary>Draws the simulator's deterministic pictures: the same seed, size and format always give the same bytes.</summary>
internal static class ImageRenderer
{
    /// <summary>Bands of a finished image; partial image k of a stream has k + 2, so it looks coarser.</summary>
    public const int FinalBands = 8;

    public static byte[] Render(ulong seed, int width, int height, ImageFormat format, bool transparent, int bands = FinalBands)
    {
        var pattern = new ImagePattern(seed, bands, transparent);
        return format switch
        {
            ImageFormat.Jpeg => JpegEncoder.Encode(width, height, pattern),
            ImageFormat.Webp => WebpEncoder.Encode(width, height, pattern),
            _ => PngEncoder.Encode(width, height, pattern),
        };
    }

    /// <summary>Width and height of a <c>WIDTHxHEIGHT</c> size.</summary>
    public static (int Width, int Height) Parse(string size)
    {
        var x = size.IndexOf('x', StringComparison.Ordinal);
        return (int.Parse(size.AsSpan(0, x), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(size.AsSpan(x + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
