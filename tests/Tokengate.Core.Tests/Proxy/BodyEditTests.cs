using System.Buffers;
using System.Text;
using Tokengate.OpenAI;

namespace Tokengate.Proxy;

public sealed class BodyEditTests
{
    [Fact]
    public void Apply_ClampAndInsert_ValidJsonAndOffsetsFollow()
    {
        var body = Encoding.UTF8.GetBytes("""{"max_tokens":500,"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""");
        Assert.True(RequestBodyParser.TryParse(body, out var parsed, out _));
        List<BodyEdit> edits =
        [
            new(parsed.MaxTokensStart, parsed.MaxTokensLength, "5"u8.ToArray()),
            new(parsed.InsertAt, 0, "\"stream_options\":{\"include_usage\":true},"u8.ToArray()),
        ];
        var (rented, length) = BodyRewriter.Apply(body, edits, ref parsed);
        var rewritten = Encoding.UTF8.GetString(rented, 0, length);
        ArrayPool<byte>.Shared.Return(rented);

        Assert.Equal("""{"stream_options":{"include_usage":true},"max_tokens":5,"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""", rewritten);
        Assert.True(RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(rewritten), out var reparsed, out _));
        Assert.Equal((reparsed.ModelTokenStart, reparsed.PromptStart), (parsed.ModelTokenStart, parsed.PromptStart));
        Assert.True(reparsed.IncludeUsage);
        Assert.Equal(5, reparsed.MaxTokens);
    }
}
