using Microsoft.ML.Tokenizers;
using Tokengate.Simulator.Tokens;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class TextGeneratorTests
{
    public static TheoryData<string> Encodings => ["o200k_base", "cl100k_base"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Generate_ManySeeds_TokenCountIsExactAndVocabularyLarge(string encoding)
    {
        Tokenizer tokenizer = encoding == "o200k_base" ? ReferenceTokenCounter.O200kBase : ReferenceTokenCounter.Cl100kBase;
        var generator = new TextGenerator(tokenizer);
        Assert.True(generator.VocabularySize >= 100, $"only {generator.VocabularySize} single-token words");

        for (ulong seed = 0; seed < 500; seed++)
        {
            var text = generator.Generate(seed * 7919, maxTokens: null, stop: null);

            Assert.Equal(tokenizer.CountTokens(text.Text), text.TokenCount);
            Assert.Equal(text.TokenCount, text.Ends.Length);
            Assert.InRange(text.TokenCount, 16, 64);
            Assert.Equal(text.Text.Length, text.Ends[^1]);
        }
    }

    [Fact]
    public void Generate_StopInsideWord_PartialPieceCountedExactly()
    {
        var generator = new TextGenerator(ReferenceTokenCounter.O200kBase);
        var full = generator.Generate(42, null, null).Text;
        var stop = full.Substring(full.IndexOf(' ', 5) + 2, 2);

        var cut = generator.Generate(42, null, [stop]);

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(cut.Text), cut.TokenCount);
        Assert.Equal(cut.Text.Length, cut.Ends.Length == 0 ? 0 : cut.Ends[^1]);
        Assert.Equal("stop", cut.FinishReason);
    }
}
