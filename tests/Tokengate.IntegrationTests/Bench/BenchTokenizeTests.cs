using Tokengate.IntegrationTests.Simulator;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>
/// <c>tokengate bench tokenize</c> against counts fixed beforehand with the tokenizers (o200k_base / cl100k_base) and
/// the §8.2 rule, and re-derived here by the independent reference counter.
/// </summary>
public sealed class BenchTokenizeTests : IDisposable
{
    private const string Text = "Tokengate counts tokens: naïve café, 12345 and emoji 🚀!";
    private const string Chat = """{"messages":[{"role":"system","content":"You are terse."},{"role":"user","name":"alice","content":"What is the capital of France?"}],"max_tokens":5}""";

    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-tokenize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("gpt-4o", 18)]
    [InlineData("gpt-4.1-mini", 18)]
    [InlineData("gpt-4", 19)]
    [InlineData("gpt-35-turbo", 19)]
    public async Task Tokenize_Text_PrintsCount(string model, int expected)
    {
        var (exit, output, _) = await BenchCli.RunAsync("tokenize", "--model", model, "--text", Text);

        Assert.Equal(0, exit);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Trim());
        var reference = model.StartsWith("gpt-4o", StringComparison.Ordinal) || model.StartsWith("gpt-4.1", StringComparison.Ordinal)
            ? ReferenceTokenCounter.O200kBase : ReferenceTokenCounter.Cl100kBase;
        Assert.Equal(expected, reference.CountTokens(Text));
    }

    [Fact]
    public async Task Tokenize_File_CountsItsText()
    {
        var path = Path.Combine(_folder, "prompt.txt");
        await File.WriteAllTextAsync(path, Text);

        var (exit, output, _) = await BenchCli.RunAsync("tokenize", "--file", path);

        Assert.Equal(0, exit);
        Assert.Equal("18", output.Trim());
    }

    [Fact]
    public async Task Tokenize_ChatJson_CountsByMessageRule()
    {
        var path = Path.Combine(_folder, "chat.json");
        await File.WriteAllTextAsync(path, Chat);

        var (exit, output, _) = await BenchCli.RunAsync("tokenize", "--chat-json", path);

        Assert.Equal(0, exit);
        Assert.Equal("24", output.Trim());
        Assert.Equal(24, ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase,
            ("system", "You are terse.", null), ("user", "What is the capital of France?", "alice")));
    }

    [Theory]
    [InlineData("--model|llama-3|--text|hi", "Unknown model 'llama-3'")]
    [InlineData("--text|a|--file|b.txt", "give exactly one of --text, --file or --chat-json")]
    [InlineData("--chat-json|/nonexistent/chat.json", "file not found")]
    public async Task Tokenize_BadInput_ExplainsAndExitsNonZero(string args, string message)
    {
        var (exit, _, error) = await BenchCli.RunAsync(["tokenize", .. args.Split('|')]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_NotChatJson_ExplainsAndExitsNonZero()
    {
        var path = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(path, """{"prompt":"hi"}""");

        var (exit, _, error) = await BenchCli.RunAsync("tokenize", "--chat-json", path);

        Assert.Equal(2, exit);
        Assert.Contains("Not a chat JSON", error, StringComparison.Ordinal);
    }
}
