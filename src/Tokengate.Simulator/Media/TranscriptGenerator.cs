using Tokengate.Simulator.Randomness;

namespace Tokengate.Simulator.Media;

/// <summary>
/// What the simulator "hears": one sentence for every five seconds of audio (at least one), each picked from a fixed
/// list by a hash of the file's bytes, spread evenly over the duration. The same file always gives the same text.
/// </summary>
internal static class TranscriptGenerator
{
    /// <summary>Seconds of audio per sentence.</summary>
    public const double SecondsPerSentence = 5;

    private const int MaxSentences = 500;

    private static readonly string[] Sentences =
    [
        "The meeting will start at nine tomorrow morning.",
        "Please send me the report before the end of the week.",
        "We walked along the river until the sun went down.",
        "The new version fixes the problem we saw last month.",
        "Thank you all for joining the call today.",
        "The train was late again because of the storm.",
        "Let us review the numbers one more time.",
        "She said the market opens early on Saturdays.",
        "I think we should keep the design simple.",
        "The results look good, but we need more data.",
        "Can you hear me clearly on your side?",
        "The house at the end of the street is for sale.",
        "We will share the slides after the session.",
        "Most of the questions came from the second group.",
        "The library closes at six during the holidays.",
        "That is all for now, see you next time.",
    ];

    public static Transcript For(ReadOnlySpan<byte> audio, double seconds)
    {
        var random = new SplitMix64(MediaSeed.Of(audio));
        var count = (int)Math.Clamp(Math.Ceiling(seconds / SecondsPerSentence), 1, MaxSentences);
        var segments = new TranscriptSegment[count];
        for (var i = 0; i < count; i++)
        {
            var sentence = Sentences[random.Next(Sentences.Length)];
            segments[i] = new TranscriptSegment(i, Math.Round(i * seconds / count, 2), Math.Round((i + 1) * seconds / count, 2), sentence);
        }

        return new Transcript(string.Join(' ', segments.Select(s => s.Text)), segments);
    }

    /// <summary>The words of a segment with even timings inside it, punctuation removed as the service reports words.</summary>
    public static IEnumerable<(string Word, double Start, double End)> Words(TranscriptSegment segment)
    {
        var words = segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var step = (segment.End - segment.Start) / words.Length;
        for (var i = 0; i < words.Length; i++)
        {
            yield return (words[i].Trim('.', ',', '?', '!'), Math.Round(segment.Start + (i * step), 2), Math.Round(segment.Start + ((i + 1) * step), 2));
        }
    }
}
