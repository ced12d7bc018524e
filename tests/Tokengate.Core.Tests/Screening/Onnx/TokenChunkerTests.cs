namespace Tokengate.Screening.Onnx;

public sealed class TokenChunkerTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(14, 1)]
    [InlineData(15, 2)]
    [InlineData(101, 10)]
    public void Chunk_EveryTokenCoveredWindowsBoundedAndOverlapping(int tokens, int expectedChunks)
    {
        var ids = Enumerable.Range(1000, tokens).ToList();
        var chunks = TokenChunker.Chunk(ids, maxTokens: 16, overlap: 4, prefix: [1], suffix: [2]).ToList();

        Assert.Equal(expectedChunks, chunks.Count);
        Assert.Equal(expectedChunks, TokenChunker.CountChunks(tokens, 16, 4, 2));
        Assert.All(chunks, c => Assert.True(c.Length <= 16));
        Assert.All(chunks, c => { Assert.Equal(1, c[0]); Assert.Equal(2, c[^1]); });
        Assert.Equal(ids, chunks.SelectMany(c => c[1..^1]).Distinct().Order());
        for (var i = 1; i < chunks.Count; i++)
            Assert.Equal(chunks[i - 1][^5..^1], chunks[i][1..5]);  // the last 4 content tokens open the next window
    }
}
