using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace Tokengate.Simulator.Tokens;

/// <summary>
/// Deterministic filler text built from words that are a single token in the encoding both with and without a
/// leading space. Lower-case words joined by single spaces pre-tokenize into one piece per word, so the token count
/// of the text is exactly the number of words and no tokenizer call is needed on the hot path.
/// </summary>
internal sealed class TextGenerator
{
    private const int MinLength = 16;
    private const int LengthSpread = 49; // natural lengths 16..64

    private static readonly string[] Candidates =
    [
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "with", "as", "was", "on", "be", "at", "by",
        "this", "have", "from", "or", "one", "had", "not", "but", "what", "all", "were", "when", "we", "there",
        "can", "an", "your", "which", "their", "said", "if", "do", "will", "each", "about", "how", "up", "out",
        "them", "then", "she", "many", "some", "so", "these", "would", "other", "into", "has", "more", "her", "two",
        "like", "him", "see", "time", "could", "no", "make", "than", "first", "been", "its", "who", "now", "people",
        "my", "made", "over", "did", "down", "only", "way", "find", "use", "may", "water", "long", "little", "very",
        "after", "words", "called", "just", "where", "most", "know", "light", "river", "stone", "green", "market",
        "small", "house", "world", "under", "while", "still", "because", "large", "place", "number", "night",
        "story", "point", "state", "city", "tree", "cross", "hard", "start", "might", "close", "open", "ready",
    ];

    private readonly Tokenizer _tokenizer;
    private readonly string[] _bare;
    private readonly string[] _spaced;

    public TextGenerator(Tokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        var bare = new List<string>(Candidates.Length);
        foreach (var word in Candidates)
        {
            if (tokenizer.CountTokens(word) == 1 && tokenizer.CountTokens(" " + word) == 1)
            {
                bare.Add(word);
            }
        }

        _bare = [.. bare];
        _spaced = new string[_bare.Length];
        for (var i = 0; i < _bare.Length; i++)
        {
            _spaced[i] = " " + _bare[i];
        }
    }

    /// <summary>Number of usable words; exposed for tests.</summary>
    public int VocabularySize => _bare.Length;

    public GeneratedText Generate(ulong seed, int? maxTokens, IReadOnlyList<string>? stop)
    {
        var state = seed;
        var natural = MinLength + (int)(Next(ref state) % LengthSpread);
        var count = maxTokens is int max && max < natural ? Math.Max(0, max) : natural;
        var finish = count < natural ? "length" : "stop";

        var picks = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var ends = new int[count];
            var length = 0;
            for (var i = 0; i < count; i++)
            {
                picks[i] = (int)(Next(ref state) % (ulong)_bare.Length);
                length += i == 0 ? _bare[picks[i]].Length : _spaced[picks[i]].Length;
                ends[i] = length;
            }

            var text = string.Create(length, (Generator: this, Picks: picks, Count: count), static (span, s) =>
            {
                var offset = 0;
                for (var i = 0; i < s.Count; i++)
                {
                    var word = i == 0 ? s.Generator._bare[s.Picks[i]] : s.Generator._spaced[s.Picks[i]];
                    word.CopyTo(span[offset..]);
                    offset += word.Length;
                }
            });

            return stop is { Count: > 0 } ? ApplyStop(text, ends, count, finish, stop) : new GeneratedText(text, ends, count, finish);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(picks);
        }
    }

    private GeneratedText ApplyStop(string text, int[] ends, int count, string finish, IReadOnlyList<string> stop)
    {
        var cut = -1;
        foreach (var sequence in stop)
        {
            if (sequence.Length == 0)
            {
                continue;
            }

            var at = text.IndexOf(sequence, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut < 0)
        {
            return new GeneratedText(text, ends, count, finish);
        }

        // The stop sequence itself is not returned; a cut inside a word leaves a partial piece, counted exactly.
        var pieces = 0;
        while (pieces < ends.Length && ends[pieces] <= cut)
        {
            pieces++;
        }

        var trimmed = new int[cut > 0 && (pieces == 0 || ends[pieces - 1] < cut) ? pieces + 1 : pieces];
        Array.Copy(ends, trimmed, pieces);
        if (trimmed.Length > pieces)
        {
            trimmed[pieces] = cut;
        }

        var kept = text[..cut];
        return new GeneratedText(kept, trimmed, _tokenizer.CountTokens(kept), "stop");
    }

    /// <summary>SplitMix64: tiny, allocation-free and identical on every platform, unlike <see cref="Random"/> seeds.</summary>
    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
