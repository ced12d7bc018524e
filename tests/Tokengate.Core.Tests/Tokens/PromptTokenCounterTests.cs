using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tokengate.Operations;
using Tokengate.Tokens;

namespace Tokengate.Tokens;

public sealed class PromptTokenCounterTests
{
    private static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly Tokenizer Cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    // The OpenAI cookbook's example conversation ("How to count tokens with tiktoken"), whose prompt_tokens the API
    // reported as 129 for gpt-4 / gpt-3.5-turbo-0613 (cl100k_base) and 124 for gpt-4o (o200k_base).
    private const string CookbookMessages = """
        [
          {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
          {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
          {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
          {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
          {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
          {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}
        ]
        """;

    public static TheoryData<string> Prompts => new()
    {
        """[{"role":"user","content":"Hello there"}]""",
        """[{"role":"system","content":"Be brief."},{"role":"user","name":"alice","content":"Hi"}]""",
        """[{"role":"user","content":"naïve café — 東京タワー \u00e9\n\ttabs and \"quotes\""}]""",
        """[{"role":"developer","content":"Answer in JSON."},{"role":"user","content":"{\"q\": [1, 2, 3], \"x\": null}"},{"role":"assistant","content":"{\"a\": 6}"}]""",
        """[{"role":"user","content":[{"type":"text","text":"Describe "},{"type":"text","text":"this, in 12345 words."}]}]""",
        """[{"role":"user","content":""},{"role":"assistant","content":"   leading and trailing spaces   "}]""",
    };

    [Theory]
    [InlineData(TokenEncoding.Cl100kBase, 129)]
    [InlineData(TokenEncoding.O200kBase, 124)]
    public void Count_CookbookConversation_MatchesTheApisPromptTokens(TokenEncoding encoding, int expected)
    {
        var tokenizer = encoding == TokenEncoding.O200kBase ? O200k : Cl100k;
        Assert.Equal(expected, PromptTokenCounter.Count(tokenizer, PromptShape.Messages, Encoding.UTF8.GetBytes(CookbookMessages), default));
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Count_FixedChatPrompts_AgreesWithTheReferenceEncodings(string messages)
    {
        foreach (var tokenizer in new[] { O200k, Cl100k })
            Assert.Equal(Reference(tokenizer, messages), PromptTokenCounter.Count(tokenizer, PromptShape.Messages, Encoding.UTF8.GetBytes(messages), default));
    }

    [Fact]
    public void Count_WithStopAbove_StopsPastTheLimitButNeverBelowIt()
    {
        var long_ = $$"""[{"role":"user","content":"{{string.Join(' ', Enumerable.Repeat("lighthouse keeper", 2000))}}"}]""";
        var bytes = Encoding.UTF8.GetBytes(long_);
        var exact = PromptTokenCounter.Count(O200k, PromptShape.Messages, bytes, default);
        Assert.True(PromptTokenCounter.Count(O200k, PromptShape.Messages, bytes, default, stopAbove: 100) > 100);
        Assert.Equal(exact, PromptTokenCounter.Count(O200k, PromptShape.Messages, bytes, default, stopAbove: exact));
    }

    [Fact]
    public void Count_ImagesAndTools_EstimatedOnTheHighSide()
    {
        var messages = Encoding.UTF8.GetBytes("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"image_url","image_url":{"url":"https://x/z.png","detail":"low"}}]}]""");
        var tools = Encoding.UTF8.GetBytes("""[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]""");
        var withoutTools = PromptTokenCounter.Count(O200k, PromptShape.Messages, messages, default);
        Assert.Equal(3 + 3 + O200k.CountTokens("user") + 765 + 85, withoutTools);
        Assert.True(PromptTokenCounter.Count(O200k, PromptShape.Messages, messages, tools) > withoutTools + 7);
    }

    [Fact]
    public void Count_EmbeddingInputs_StringsArraysAndTokenArrays()
    {
        Assert.Equal(O200k.CountTokens("hello world") + O200k.CountTokens("again"),
            PromptTokenCounter.Count(O200k, PromptShape.Inputs, """["hello world","again"]"""u8, default));
        Assert.Equal(3, PromptTokenCounter.Count(O200k, PromptShape.Inputs, "[[1,2,3]]"u8, default));
    }

    /// <summary>Protocol reference §8.2 written out independently with a DOM.</summary>
    private static int Reference(Tokenizer tokenizer, string messages)
    {
        var tokens = 3;
        foreach (var message in JsonDocument.Parse(messages).RootElement.EnumerateArray())
        {
            tokens += 3;
            foreach (var field in message.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.String)
                {
                    tokens += tokenizer.CountTokens(field.Value.GetString()!);
                    if (field.Name == "name") tokens += 1;
                }
                else if (field.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in field.Value.EnumerateArray()) tokens += tokenizer.CountTokens(part.GetProperty("text").GetString()!);
                }
            }
        }
        return tokens;
    }
}
