namespace Tokengate.Simulator.Media;

/// <summary>Least-significant-bit-first bit packing, as the VP8L bitstream reads it.</summary>
internal sealed class LsbBitWriter
{
    private readonly List<byte> _bytes = [];
    private int _buffer;
    private int _count;

    public void Write(int value, int length)
    {
        for (var i = 0; i < length; i++)
        {
            _buffer |= ((value >> i) & 1) << _count;
            if (++_count == 8)
            {
                _bytes.Add((byte)_buffer);
                _buffer = 0;
                _count = 0;
            }
        }
    }

    public byte[] ToArray()
    {
        var bytes = new List<byte>(_bytes);
        if (_count > 0)
        {
            bytes.Add((byte)_buffer);
        }

        return [.. bytes];
    }
}
