using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tokengate.Screening.BuiltIn;

/// <summary>
/// Scores one text with the built-in classifier. The C# twin of <c>tools/screening/featurizer.py</c>: the two must
/// give the same numbers (<c>BuiltInFeaturizerTests</c> holds scores the script printed), so change both together.
/// </summary>
/// <remarks>
/// Text is read as UTF-16 code units with explicit casing rules (ASCII, Latin-1, basic Greek and Cyrillic) rather than
/// culture tables, so Python and .NET cannot disagree on a character. Features are character 3/4/5-grams over the
/// normalized text and word unigrams and bigrams, hashed with FNV-1a straight from the buffer (no strings). A window's
/// score is <c>sigmoid(bias + sum(weights) / sqrt(occurrences))</c>; since the sum is additive, a long text is cut into
/// buckets of <see cref="BuiltInModel.Stride"/> characters, each window is two adjacent buckets, and every feature is
/// looked up once whatever the overlap. The text's score is its best window's.
/// </remarks>
internal static class BuiltInFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordOffset = FnvOffset ^ 0x9E3779B9;
    private const uint BigramSalt = 0x5BD1E995;

    public static double Score(ReadOnlySpan<char> text, BuiltInModel model)
    {
        if (text.IsEmpty) return 0;
        var rented = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            var length = Normalize(text, rented);
            var normalized = rented.AsSpan(0, length);
            if (length <= model.Window)
            {
                var (sum, count) = SumWhole(normalized, model.Weights);
                return count == 0 ? 0 : Sigmoid(model.Bias + (sum / Math.Sqrt(count)));
            }
            return ScoreWindows(normalized, model);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Lowercases with fixed rules and collapses each whitespace run to one space; returns the length written.</summary>
    internal static int Normalize(ReadOnlySpan<char> text, Span<char> output)
    {
        var n = 0;
        var space = false;
        foreach (var c in text)
        {
            if (IsWhiteSpace(c))
            {
                if (!space) output[n++] = ' ';
                space = true;
                continue;
            }
            space = false;
            output[n++] = Lower(c);
        }
        return n;
    }

    private static (double Sum, int Count) SumWhole(ReadOnlySpan<char> c, float[] weights)
    {
        var sink = new WholeSink(weights);
        Walk(c, ref sink, weights.Length - 1);
        return (sink.Sum, sink.Count);
    }

    private static double ScoreWindows(ReadOnlySpan<char> c, BuiltInModel model)
    {
        var buckets = (c.Length + model.Stride - 1) / model.Stride;
        var sums = ArrayPool<double>.Shared.Rent(buckets);
        var counts = ArrayPool<int>.Shared.Rent(buckets);
        try
        {
            Array.Clear(sums, 0, buckets);
            Array.Clear(counts, 0, buckets);
            var sink = new BucketSink(model.Weights, sums, counts, model.Stride);
            Walk(c, ref sink, model.Weights.Length - 1);
            var best = 0.0;
            for (var b = 0; b < buckets - 1; b++)
            {
                var k = counts[b] + counts[b + 1];
                if (k == 0) continue;
                best = Math.Max(best, Sigmoid(model.Bias + ((sums[b] + sums[b + 1]) / Math.Sqrt(k))));
            }
            return best;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Visits every feature occurrence (start position, slot) in the order featurizer.py yields them.</summary>
    private static void Walk<TSink>(ReadOnlySpan<char> c, ref TSink sink, int mask)
        where TSink : struct, IFeatureSink
    {
        var n = c.Length;
        var hasPrevious = false;
        uint previousHash = 0;
        var previousStart = 0;
        var wordHash = WordOffset;
        var wordStart = -1;
        for (var i = 0; i <= n; i++)
        {
            if (i < n && IsWord(c[i]))
            {
                if (wordStart < 0)
                {
                    wordStart = i;
                    wordHash = WordOffset;
                }
                wordHash = (wordHash ^ c[i]) * FnvPrime;
            }
            else if (wordStart >= 0)
            {
                sink.Add(wordStart, Mix(wordHash, mask));
                if (hasPrevious)
                {
                    var bigram = (((previousHash ^ BigramSalt) * FnvPrime) ^ wordHash) * FnvPrime;
                    sink.Add(previousStart, Mix(bigram, mask));
                }
                previousHash = wordHash;
                previousStart = wordStart;
                hasPrevious = true;
                wordStart = -1;
            }
            if (i + 3 > n) continue;
            var h = (FnvOffset ^ c[i]) * FnvPrime;
            h = (h ^ c[i + 1]) * FnvPrime;
            h = (h ^ c[i + 2]) * FnvPrime;
            sink.Add(i, Mix(h, mask));
            if (i + 4 > n) continue;
            h = (h ^ c[i + 3]) * FnvPrime;
            sink.Add(i, Mix(h, mask));
            if (i + 5 > n) continue;
            h = (h ^ c[i + 4]) * FnvPrime;
            sink.Add(i, Mix(h, mask));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(uint h, int mask)
    {
        h ^= h >> 16;
        h *= 0x45D9F3B;
        h ^= h >> 16;
        return (int)(h & (uint)mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static char Lower(char u) => u switch
    {
        >= 'A' and <= 'Z' => (char)(u + 32),
        < '\u00C0' => u,
        <= '\u00DE' when u != '\u00D7' => (char)(u + 32),
        >= '\u0391' and <= '\u03A9' when u != '\u03A2' => (char)(u + 32),
        >= '\u0410' and <= '\u042F' => (char)(u + 32),
        >= '\u0400' and <= '\u040F' => (char)(u + 80),
        _ => u,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWord(char u)
    {
        if (u < 128) return u is (>= '0' and <= '9') or (>= 'a' and <= 'z');
        if (u < '\u00C0' || u == '\u00D7' || u == '\u00F7') return false;
        return u is not ((>= '\u2000' and <= '\u2BFF') or (>= '\u3000' and <= '\u303F') or (>= '\uD800' and <= '\uDFFF')
            or (>= '\uFE00' and <= '\uFE0F') or (>= '\uFF00' and <= '\uFF0F'));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWhiteSpace(char u) => u is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00A0' or '\u2028' or '\u2029'
        or '\u3000' or '\u200B' or '\uFEFF';

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private interface IFeatureSink
    {
        void Add(int position, int slot);
    }

    private struct WholeSink(float[] weights) : IFeatureSink
    {
        public double Sum;
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int position, int slot)
        {
            Sum += weights[slot];
            Count++;
        }
    }

    private readonly struct BucketSink(float[] weights, double[] sums, int[] counts, int stride) : IFeatureSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int position, int slot)
        {
            var b = position / stride;
            sums[b] += weights[slot];
            counts[b]++;
        }
    }
}
