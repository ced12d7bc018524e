using System.Text;

namespace Tokengate.Batches;

public sealed class BatchOutputUsageTests
{
    [Fact]
    public async Task SumAsync_ChatAndResponsesLines_TokensAddedUp()
    {
        const string Output = """
            {"custom_id":"a","response":{"status_code":200,"body":{"usage":{"prompt_tokens":10,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1}}}},"error":null}
            {"custom_id":"b","response":{"status_code":200,"body":{"usage":{"input_tokens":7,"output_tokens":3,"input_tokens_details":{"cached_tokens":1},"output_tokens_details":{"reasoning_tokens":2}}}},"error":null}
            {"custom_id":"c","response":{"status_code":200,"body":{"data":[]}},"error":null}
            not json
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Output));

        var sum = await BatchOutputUsage.SumAsync(stream, CancellationToken.None);

        Assert.Equal((17L, 3L, 7L, 3L), sum);
    }
}
