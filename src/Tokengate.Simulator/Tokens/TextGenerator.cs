using System.Buffers;
using Microsoft.ML.Tokenizers;
using Tokengate.Simulator.Randomness;

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

    /// <summary>A vocabulary word, each a single token with or without a leading space (logprob alternatives use them).</summary>
    public string Word(int index) => _bare[index % _bare.Length];

    /// <summary>
    /// Splits a fixed answer (a JSON value, tool arguments) into one streamed piece per token of the encoding, cut
    /// after <paramref name="maxTokens"/> tokens with finish reason <c>length</c> as the service cuts an answer.
    /// </summary>
    public GeneratedText Tokenize(string text, int? maxTokens)
    {
        var tokens = _tokenizer.EncodeToTokens(text, out _);
        var count = maxTokens is int max && max < tokens.Count ? Math.Max(0, max) : tokens.Count;
        var ends = new List<int>(count);
        var previous = 0;
        for (var i = 0; i < count; i++)
        {
            // Byte-level tokens inside one multi-byte character share its offsets; they stream as one piece.
            var end = Math.Min(text.Length, tokens[i].Offset.End.GetOffset(text.Length));
            if (end > previous)
            {
                ends.Add(end);
                previous = end;
            }
        }

        if (count == tokens.Count && previous < text.Length)
        {
            ends.Add(text.Length);
        }

        var kept = count == tokens.Count ? text : text[..previous];
        return new GeneratedText(kept, [.. ends], count, count < tokens.Count ? "length" : "stop");
    }

    public GeneratedText Generate(ulong seed, int? maxTokens, IReadOnlyList<string>? stop)
    {
        var random = new SplitMix64(seed);
        var natural = MinLength + random.Next(LengthSpread);
        var count = maxTokens is int max && max < natural ? Math.Max(0, max) : natural;
        var finish = count < natural ? "length" : "stop";

        var picks = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            var ends = new int[count];
            var length = 0;
            for (var i = 0; i < count; i++)
            {
                picks[i] = random.Next(_bare.Length);
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
}
