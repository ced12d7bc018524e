using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tokengate.Bench.Tokens;

namespace Tokengate.Bench.Load;

/// <summary>
/// Request bodies of an exact prompt size that no prompt cache can serve. The text is lower-case words, each one
/// token both alone and after a space, joined by single spaces; the tokenizer's pre-tokenizer splits such text into
/// one piece per word, so the token count is the word count. Every body starts with a fresh run of random words
/// (the part a prefix cache would match) followed by fixed filler; only the random part is written per request.
/// </summary>
internal sealed class PromptFactory
{
    /// <summary>Random words at the start of each prompt: about 2^100 prefixes, so no two requests share one.</summary>
    public const int RandomPrefixWords = 16;

    private static readonly string[] Candidates =
    [
        "apple", "river", "stone", "cloud", "green", "house", "light", "music", "paper", "table", "water", "window",
        "garden", "market", "silver", "winter", "summer", "forest", "bridge", "island", "letter", "number", "orange",
        "planet", "travel", "yellow", "animal", "circle", "doctor", "energy", "family", "flower", "friend", "future",
        "memory", "mother", "nature", "office", "people", "person", "school", "simple", "spring", "street", "system",
        "theory", "wonder", "city", "road", "tree", "bird", "fish", "book", "door", "fire", "gold", "hand", "king",
        "lake", "moon", "night", "ocean", "queen", "rain", "ship", "snow", "star", "sun", "time", "wind", "word",
        "world", "year", "blue", "red", "small", "large", "quick", "slow", "happy", "early", "late", "north", "south",
        "east", "west", "point", "story", "state", "field", "train", "plant", "glass", "horse", "chair", "dream",
    ];

    private readonly byte[][] _words;
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly int _prefixWords;
    private readonly Random _random;

    /// <param name="shape">Prompt and completion sizes.</param>
    /// <param name="operation">Chat (one user message) or embeddings (one input).</param>
    /// <param name="model">Written as the body <c>model</c> when not null (the v1 routes need it).</param>
    /// <param name="stream">Chat only: stream, and ask for the usage chunk.</param>
    /// <param name="tokenizer">The encoding that sizes the prompt.</param>
    /// <param name="random">Source of the random prefixes; <see cref="Random.Shared"/> when shared by threads.</param>
    public PromptFactory(RequestShape shape, BenchOperation operation, string? model, bool stream, Tokenizer tokenizer, Random random)
    {
        _random = random;
        var words = new List<byte[]>(Candidates.Length);
        foreach (var word in Candidates)
        {
            if (tokenizer.CountTokens(word) == 1 && tokenizer.CountTokens(" " + word) == 1)
            {
                words.Add(Encoding.UTF8.GetBytes(word));
            }
        }

        _words = [.. words];
        ContextTokens = shape.ContextTokens;
        var textTokens = operation == BenchOperation.Chat ? shape.ContextTokens - ChatOverhead(tokenizer) : shape.ContextTokens;
        if (textTokens < 1)
        {
            throw new ArgumentException($"A chat prompt needs at least {ChatOverhead(tokenizer) + 1} context tokens.", nameof(shape));
        }

        _prefixWords = Math.Min(RandomPrefixWords, textTokens);
        var filler = new StringBuilder();
        for (var i = 0; i < textTokens - _prefixWords; i++)
        {
            filler.Append(' ').Append(Encoding.UTF8.GetString(_words[i % _words.Length]));
        }

        var modelField = model is null ? string.Empty : ",\"model\":" + JsonSerializer.Serialize(model);
        if (operation == BenchOperation.Chat)
        {
            _head = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"");
            var streaming = stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : string.Empty;
            _tail = Encoding.UTF8.GetBytes($"{filler}\"}}],\"max_tokens\":{shape.MaxTokens}{streaming}{modelField}}}");
        }
        else
        {
            _head = Encoding.UTF8.GetBytes("{\"input\":\"");
            _tail = Encoding.UTF8.GetBytes($"{filler}\"{modelField}}}");
        }
    }

    /// <summary>The prompt tokens each body carries, as <c>usage.prompt_tokens</c> will report them.</summary>
    public int ContextTokens { get; }

    /// <summary>Tokens a chat request adds around the text of its single user message (§8.2).</summary>
    public static int ChatOverhead(Tokenizer tokenizer) =>
        ChatTokenCounter.ReplyPriming + ChatTokenCounter.PerMessage + tokenizer.CountTokens("user");

    /// <summary>A new body: the fixed head, fresh random words, the fixed tail.</summary>
    public byte[] Create()
    {
        Span<int> picks = stackalloc int[_prefixWords];
        var length = _head.Length + _tail.Length + _prefixWords - 1;
        for (var i = 0; i < picks.Length; i++)
        {
            picks[i] = _random.Next(_words.Length);
            length += _words[picks[i]].Length;
        }

        var body = new byte[length];
        _head.CopyTo(body, 0);
        var offset = _head.Length;
        for (var i = 0; i < picks.Length; i++)
        {
            if (i > 0)
            {
                body[offset++] = (byte)' ';
            }

            _words[picks[i]].CopyTo(body, offset);
            offset += _words[picks[i]].Length;
        }

        _tail.CopyTo(body, offset);
        return body;
    }
}
