using Microsoft.ML.Tokenizers;

namespace Tokengate.Tokens;

/// <summary>
/// One tokenizer per encoding for the whole process, created on first use. Loading a vocabulary costs about 200 ms
/// and tens of megabytes; <see cref="TokenizerWarmup"/> decides whether that happens before serving.
/// </summary>
internal sealed class TokenizerRegistry
{
    private readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public Tokenizer Get(TokenEncoding encoding) => encoding == TokenEncoding.Cl100kBase ? _cl100k.Value : _o200k.Value;
}
