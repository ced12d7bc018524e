namespace Tokengate.Simulator.Media;

/// <summary>The token arithmetic of the GPT image models.</summary>
internal static class ImageTokens
{
    /// <summary>Extra output image tokens each streamed partial image costs (OpenAI's image generation guide).</summary>
    public const int PerPartialImage = 100;

    /// <summary>
    /// Output image tokens of one image, from OpenAI's published table for the GPT image models (square, portrait,
    /// landscape by quality). The table is not symmetric: landscape costs slightly less than portrait.
    /// </summary>
    public static int Output(string size, string quality) => (size, quality) switch
    {
        ("1024x1024", "low") => 272,
        ("1024x1024", "high") => 4_160,
        ("1024x1024", _) => 1_056,
        ("1024x1536", "low") => 408,
        ("1024x1536", "high") => 6_240,
        ("1024x1536", _) => 1_584,
        ("1536x1024", "low") => 400,
        ("1536x1024", "high") => 6_208,
        ("1536x1024", _) => 1_568,
        _ => 1_056,
    };

    /// <summary>
    /// Input tokens of one uploaded image, by the vision rule for high detail: scale it down to fit within
    /// 2048×2048, then down so the shorter side is at most 768, then count 170 per 512×512 tile plus 85.
    /// (Images are only ever scaled down, never up.)
    /// </summary>
    public static int Input(int width, int height)
    {
        double w = width;
        double h = height;
        if (w > 2048 || h > 2048)
        {
            var fit = 2048 / Math.Max(w, h);
            w *= fit;
            h *= fit;
        }

        var shorter = Math.Min(w, h);
        if (shorter > 768)
        {
            var scale = 768 / shorter;
            w *= scale;
            h *= scale;
        }

        var tiles = (int)Math.Ceiling(Math.Round(w, 6) / 512) * (int)Math.Ceiling(Math.Round(h, 6) / 512);
        return 85 + (170 * tiles);
    }
}
