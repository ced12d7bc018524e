using System.Text;
using System.Text.Json;

namespace Tokengate.Batches;

public sealed class BatchInputRewriterTests
{
    [Fact]
    public async Task RewriteAsync_EveryLine_ModelIsTheDeploymentAndTheRestKept()
    {
        const string Input = """
            {"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o","messages":[{"role":"user","content":"Grüße"}],"max_tokens":5}}

            {"custom_id":"b","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o","messages":[{"role":"user","content":"<b>"}]}}
            """;
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(Input));
        using var target = new MemoryStream();

        var lines = await BatchInputRewriter.RewriteAsync(source, target, "gpt-4o-batch", CancellationToken.None);

        Assert.Equal(2, lines);
        var written = Encoding.UTF8.GetString(target.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, written.Length);
        using var first = JsonDocument.Parse(written[0]);
        Assert.Equal("a", first.RootElement.GetProperty("custom_id").GetString());
        Assert.Equal("gpt-4o-batch", first.RootElement.GetProperty("body").GetProperty("model").GetString());
        Assert.Equal(5, first.RootElement.GetProperty("body").GetProperty("max_tokens").GetInt32());
        Assert.Contains("Grüße", written[0], StringComparison.Ordinal);
        using var second = JsonDocument.Parse(written[1]);
        Assert.Equal("gpt-4o-batch", second.RootElement.GetProperty("body").GetProperty("model").GetString());
        Assert.Equal("<b>", second.RootElement.GetProperty("body").GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"custom_id":"a","body":"text"}""")]
    [InlineData("[1,2]")]
    public void Rewrite_LineWithoutABodyObject_CopiedUnchanged(string line) => Assert.Null(BatchInputRewriter.Rewrite(line, "gpt-4o-batch"));
}
