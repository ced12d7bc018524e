using Tokengate.Simulator.Randomness;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Generation;

/// <summary>
/// Plausible log probabilities for generated pieces: the chosen token is always the most likely (greedy decoding),
/// mostly near-certain, and its alternatives are distinct vocabulary words at strictly lower values. Deterministic
/// for a seed, so a stream and a whole response of the same request agree.
/// </summary>
internal static class LogprobGenerator
{
    // Decorrelates the logprob draws from the text draws that used the same seed.
    private const ulong SeedSalt = 0xD1B54A32D192ED03UL;

    /// <param name="text">The answer; one entry per streamed piece (a token, or the remainder a stop sequence left).</param>
    /// <param name="seed">The answer's seed.</param>
    /// <param name="topCount">Entries in each <see cref="TokenLogprob.Top"/>, the chosen token first; 0 for none.</param>
    /// <param name="words">Source of alternative tokens.</param>
    public static TokenLogprob[] For(GeneratedText text, ulong seed, int topCount, TextGenerator words)
    {
        var random = new SplitMix64(seed ^ SeedSalt);
        var result = new TokenLogprob[text.Ends.Length];
        var start = 0;
        for (var i = 0; i < result.Length; i++)
        {
            var token = text.Text[start..text.Ends[i]];
            start = text.Ends[i];
            var u = random.NextDouble();

            // Squared, so most tokens sit close to 0 and a few are hesitant, as real distributions look.
            var chosen = -Math.Round(0.000001 + (u * u * 1.5), 6);
            var top = new TopLogprob[topCount];
            if (topCount > 0)
            {
                top[0] = new TopLogprob(token, chosen);
                var spaced = token.StartsWith(' ');
                var offset = random.Next(words.VocabularySize);
                var previous = chosen;
                for (int k = 1, probe = 0; k < topCount && probe < words.VocabularySize + topCount; probe++)
                {
                    var candidate = (spaced ? " " : string.Empty) + words.Word(offset + probe);
                    if (candidate == token)
                    {
                        continue;
                    }

                    previous = Math.Round(previous - (0.5 + (random.NextDouble() * 2)), 6);
                    top[k++] = new TopLogprob(candidate, previous);
                }
            }

            result[i] = new TokenLogprob(token, chosen, top);
        }

        return result;
    }
}
