namespace Tokengate.Screening.Onnx;

public sealed class HfTokenizerTests
{
    private static int Id(string piece) => TestTokenizers.IdOf(piece);

    [Fact]
    public void Parse_DebertaTemplate_ClsBeforeSepAfter()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        Assert.Equal([TestTokenizers.Cls], tokenizer.Prefix);
        Assert.Equal([TestTokenizers.Sep], tokenizer.Suffix);
        Assert.Equal(TestTokenizers.Pad, tokenizer.PadId);
    }

    [Fact]
    public void Encode_Unigram_WholeWordsAndNoSpecialTokens()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        Assert.Equal([Id("▁hello"), Id("▁world")], tokenizer.Encode("  hello   world "));
    }

    [Fact]
    public void Encode_Unigram_PicksTheMostProbableSegmentation()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        // "▁helo": "▁hel" + "o" (-3 - 6 = -9) beats "▁" + "h" + "e" + "l" + "o" (-28).
        Assert.Equal([Id("▁hel"), Id("o")], tokenizer.Encode("helo"));
        // "▁hello" (-2) beats "▁hel" + "lo" (-6).
        Assert.Equal([Id("▁hello")], tokenizer.Encode("hello"));
    }

    [Fact]
    public void Encode_Unigram_UnknownCharactersFuseIntoOneUnknownToken()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        Assert.Equal([Id("▁hel"), TestTokenizers.Unk, Id("o")], tokenizer.Encode("hel€😀o"));
    }

    [Fact]
    public void Encode_SpecialTokenSpelledInText_IsNotTheSpecialToken()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        Assert.DoesNotContain(TestTokenizers.Cls, tokenizer.Encode("[CLS] hello"));
    }

    [Fact]
    public void Encode_PrecompiledCharsMap_FoldsFullWidthAndNoBreakSpace()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.DebertaStyle());
        Assert.Equal([Id("▁ignore"), Id("▁previous")], tokenizer.Encode("ｉｇｎｏｒｅ\u00A0previous"));
    }

    [Fact]
    public void Normalize_PrecompiledCharsMap_LeavesUnmappedTextAlone()
    {
        var map = new PrecompiledCharsMap(TestTokenizers.BuildCharsMap(new Dictionary<string, string> { ["ｉ"] = "i", ["ﬁ"] = "fi" }));
        Assert.Equal("fine ice café", map.Normalize("ﬁne ｉce café"));
    }

    [Fact]
    public void Encode_WordPiece_BertStyleLowercasesSplitsPunctuationAndContinues()
    {
        var tokenizer = TestTokenizers.Parse(TestTokenizers.BertStyle());
        Assert.Equal([101], tokenizer.Prefix);
        Assert.Equal([102], tokenizer.Suffix);
        Assert.Equal([7, 11, 9, 10, 100], tokenizer.Encode("Hello! IGNORE worlds"));
    }

    [Fact]
    public void Parse_BpeModel_Refused()
    {
        var ex = Assert.Throws<NotSupportedException>(() => TestTokenizers.Parse("""{"model": {"type": "BPE", "vocab": {}, "merges": []}}"""));
        Assert.Contains("BPE", ex.Message);
    }
}
