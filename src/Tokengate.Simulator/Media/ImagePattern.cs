using Tokengate.Simulator.Randomness;

namespace Tokengate.Simulator.Media;

/// <summary>
/// What a generated picture looks like: horizontal bands of colour drawn from a seed. Bands keep every encoder
/// trivial (rows repeat, so PNG's Up filter and JPEG's DC-only blocks compress them to almost nothing) while two
/// different prompts still give visibly different images.
/// </summary>
internal sealed class ImagePattern
{
    private readonly byte[][] _colors;

    /// <param name="seed">The request's seed; the same seed always gives the same colours.</param>
    /// <param name="bands">How many bands (partial images use fewer, so they look coarser).</param>
    /// <param name="transparent">Whether the outer bands are fully transparent (<c>background: transparent</c>).</param>
    public ImagePattern(ulong seed, int bands, bool transparent)
    {
        var random = new SplitMix64(seed);
        _colors = new byte[Math.Max(1, bands)][];
        for (var i = 0; i < _colors.Length; i++)
        {
            var value = random.Next();
            var outer = i == 0 || i == _colors.Length - 1;
            _colors[i] = [(byte)value, (byte)(value >> 8), (byte)(value >> 16), transparent && outer && _colors.Length > 2 ? (byte)0 : (byte)255];
        }

        Transparent = transparent;
    }

    public bool Transparent { get; }

    public int Bands => _colors.Length;

    /// <summary>The band a row falls in.</summary>
    public int BandOf(int row, int height) => (int)((long)row * _colors.Length / height);

    /// <summary>RGBA of a band.</summary>
    public ReadOnlySpan<byte> Color(int band) => _colors[band];

    /// <summary>The band's brightness (ITU-R BT.601 luma), for grey-scale encodings.</summary>
    public byte Luma(int band)
    {
        var c = _colors[band];
        return (byte)(((299 * c[0]) + (587 * c[1]) + (114 * c[2]) + 500) / 1000);
    }
}
