namespace Tokengate.Simulator.Media;

/// <summary>The file formats the image operations answer in (<c>output_format</c>).</summary>
internal enum ImageFormat
{
    Png,
    Jpeg,
    Webp,
}
