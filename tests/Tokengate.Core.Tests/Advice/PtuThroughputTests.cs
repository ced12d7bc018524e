namespace Tokengate.Advice;

public sealed class PtuThroughputTests
{
    [Fact]
    public void For_ConfiguredPrefix_WinsOverTheBuiltIn()
    {
        var options = new AdviceOptions { Models = { ["gpt-4o-2024"] = new PtuModelOptions { TokensPerMinutePerPtu = 3_000, OutputTokenWeight = 3 } } };

        Assert.Equal(3_000, PtuThroughput.For("gpt-4o-2024-11-20", options)!.TokensPerMinutePerPtu);
        Assert.Equal(37_000, PtuThroughput.For("gpt-4o-mini", options)!.TokensPerMinutePerPtu);
        Assert.Null(PtuThroughput.For("text-embedding-3-small", options));
    }
}
