using Microsoft.ML.Tokenizers;

namespace Tokengate.Simulator.Tokens;

/// <summary>
/// One tokenizer and one text generator per encoding, created on first use: loading a vocabulary takes about
/// 200 ms, so a simulator that serves only gpt-4o never pays for cl100k_base.
/// </summary>
internal sealed class TokenizerProvider
{
    private readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
    private readonly Lazy<TextGenerator> _o200kGenerator;
    private readonly Lazy<TextGenerator> _cl100kGenerator;

    public TokenizerProvider()
    {
        _o200kGenerator = new(() => new TextGenerator(_o200k.Value));
        _cl100kGenerator = new(() => new TextGenerator(_cl100k.Value));
    }

    public Tokenizer Get(TokenEncoding encoding) =>
        encoding == TokenEncoding.O200kBase ? _o200k.Value : _cl100k.Value;

    public TextGenerator Generator(TokenEncoding encoding) =>
        encoding == TokenEncoding.O200kBase ? _o200kGenerator.Value : _cl100kGenerator.Value;
}
