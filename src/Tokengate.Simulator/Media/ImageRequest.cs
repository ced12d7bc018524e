namespace Tokengate.Simulator.Media;

/// <summary>
/// An image generation or edit request after validation, with defaults resolved: <see cref="Size"/> and
/// <see cref="Quality"/> are what the image is made at (<c>auto</c> becomes 1024x1024 and medium), as the response
/// reports them.
/// </summary>
internal sealed record ImageRequest(
    string Prompt,
    int N,
    string Size,
    string Quality,
    ImageFormat Format,
    string OutputFormat,
    string Background,
    bool Url,
    bool Stream,
    int PartialImages)
{
    public (int Width, int Height) Dimensions => ImageRenderer.Parse(Size);

    public bool Transparent => Background == "transparent";
}
