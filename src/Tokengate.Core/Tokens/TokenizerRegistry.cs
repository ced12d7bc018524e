using Microsoft.ML.Tokenizers;

namespace Tokengate.Tokens;

/// <summary>
/// One tokenizer per encoding for the whole process. Loading a vocabulary costs about 200 ms, so
/// <see cref="TokenizerWarmup"/> creates and exercises the ones the configured backends need before serving.
/// </summary>
internal sealed class TokenizerRegistry
{
    private readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public Tokenizer Get(TokenEncoding encoding) => encoding == TokenEncoding.Cl100kBase ? _cl100k.Value : _o200k.Value;
}
