using System.Buffers.Binary;

namespace Tokengate.Screening.BuiltIn;

/// <summary>
/// The built-in classifier's weights, embedded in Tokengate.Core (<c>builtin-model.bin</c>, written by
/// <c>tools/screening/train.py</c>): a 32-byte header (magic <c>TGBI</c>, version, hash bits, bucket stride, window,
/// bias, threshold) and 2^bits float16 weights. Loaded once, on first use, and shared by every caller.
/// </summary>
internal sealed class BuiltInModel
{
    public const string ResourceName = "Tokengate.Screening.BuiltIn.builtin-model.bin";
    private const int HeaderBytes = 32;

    private static readonly Lazy<BuiltInModel> Embedded = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private BuiltInModel(float[] weights, int bits, int stride, int window, float bias, float threshold)
    {
        Weights = weights;
        Bits = bits;
        Stride = stride;
        Window = window;
        Bias = bias;
        Threshold = threshold;
    }

    /// <summary>The model shipped with Tokengate.</summary>
    public static BuiltInModel Shared => Embedded.Value;

    /// <summary>One weight per hashed feature slot, widened from float16 so scoring does no conversion.</summary>
    public float[] Weights { get; }

    public int Bits { get; }

    /// <summary>Normalized characters per bucket; a window is two adjacent buckets.</summary>
    public int Stride { get; }

    /// <summary>Texts up to this many normalized characters are scored whole.</summary>
    public int Window { get; }

    public float Bias { get; }

    /// <summary>The F1-optimal threshold the training script chose on its validation families.</summary>
    public float Threshold { get; }

    public static BuiltInModel Load(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes || !data[..4].SequenceEqual("TGBI"u8))
            throw new InvalidDataException("Not a Tokengate built-in detector model (magic TGBI missing).");
        var version = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        var bits = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        var stride = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        var window = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        var bias = BinaryPrimitives.ReadSingleLittleEndian(data[20..]);
        var threshold = BinaryPrimitives.ReadSingleLittleEndian(data[24..]);
        if (version != 1 || bits is < 10 or > 24 || stride < 1 || window != 2 * stride)
            throw new InvalidDataException($"Unsupported built-in detector model (version {version}, bits {bits}, stride {stride}, window {window}).");
        var count = 1 << bits;
        if (data.Length != HeaderBytes + (2 * count))
            throw new InvalidDataException($"The built-in detector model has {data.Length} bytes; expected {HeaderBytes + (2 * count)}.");
        var weights = new float[count];
        var body = data[HeaderBytes..];
        for (var i = 0; i < count; i++) weights[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(body[(2 * i)..]);
        return new BuiltInModel(weights, bits, stride, window, bias, threshold);
    }

    private static BuiltInModel LoadEmbedded()
    {
        using var stream = typeof(BuiltInModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Tokengate.Core.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Load(bytes);
    }
}
