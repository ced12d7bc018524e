namespace Tokengate.Simulator.Media;

/// <summary>
/// A minimal baseline JPEG writer: one grey-scale component, a quantisation table of ones and blocks that carry only a
/// DC value (the band's brightness), each followed by end-of-block. Any decoder reads it as a full-size striped grey
/// image, about 6 bits a block.
/// </summary>
internal static class JpegEncoder
{
    // The standard luminance DC table (ITU T.81 Annex K.3): code lengths 1..16, then the categories they code.
    private static readonly byte[] DcCounts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcSymbols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    // An AC table holding end-of-block alone: no block here has an AC coefficient.
    private static readonly byte[] AcCounts = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AcSymbols = [0x00];

    public static byte[] Encode(int width, int height, ImagePattern pattern)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        output.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);

        // Quantisation table 0: all ones, so a DC coefficient is 8 × (grey − 128) exactly.
        output.Write([0xFF, 0xDB, 0x00, 0x43, 0x00]);
        for (var i = 0; i < 64; i++)
        {
            output.WriteByte(1);
        }

        output.Write([0xFF, 0xC0, 0x00, 0x0B, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x01, 0x01, 0x11, 0x00]);

        var huffmanLength = 2 + 17 + DcSymbols.Length + 17 + AcSymbols.Length;
        output.Write([0xFF, 0xC4, (byte)(huffmanLength >> 8), (byte)huffmanLength, 0x00]);
        output.Write(DcCounts);
        output.Write(DcSymbols);
        output.WriteByte(0x10);
        output.Write(AcCounts);
        output.Write(AcSymbols);

        output.Write([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);

        var dc = CanonicalCodes(DcCounts, DcSymbols);
        var eob = CanonicalCodes(AcCounts, AcSymbols)[0];
        var bits = new BitWriter(output);
        var blocksAcross = (width + 7) / 8;
        var blockRows = (height + 7) / 8;
        var previous = 0;
        for (var r = 0; r < blockRows; r++)
        {
            var band = pattern.BandOf(Math.Min(height - 1, (r * 8) + 4), height);
            var value = 8 * (pattern.Luma(band) - 128);
            for (var c = 0; c < blocksAcross; c++)
            {
                var diff = value - previous;
                previous = value;
                var category = Category(diff);
                bits.Write(dc[category].Code, dc[category].Length);
                if (category > 0)
                {
                    bits.Write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
                }

                bits.Write(eob.Code, eob.Length);
            }
        }

        bits.Flush();
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    private static int Category(int value)
    {
        var magnitude = Math.Abs(value);
        var category = 0;
        while (magnitude > 0)
        {
            category++;
            magnitude >>= 1;
        }

        return category;
    }

    /// <summary>Annex C: codes of each length in symbol order, counting up and doubling at each longer length.</summary>
    private static (int Code, int Length)[] CanonicalCodes(byte[] counts, byte[] symbols)
    {
        var codes = new (int Code, int Length)[symbols.Max() + 1];
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            for (var i = 0; i < counts[length - 1]; i++)
            {
                codes[symbols[k++]] = (code++, length);
            }

            code <<= 1;
        }

        return codes;
    }

    /// <summary>Most-significant-bit-first entropy coding with 0xFF byte stuffing; the last byte is padded with ones.</summary>
    private sealed class BitWriter(Stream output)
    {
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF)
            {
                output.WriteByte(0x00);
            }

            _buffer = 0;
            _count = 0;
        }
    }
}
