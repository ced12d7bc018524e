namespace Tokengate.Screening.Onnx;

/// <summary>The vocabulary step of a tokenizer: one pre-tokenized word to token ids.</summary>
internal interface ITokenModel
{
    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="ids"/>.</summary>
    void Encode(string word, List<int> ids);

    /// <summary>The id of <paramref name="token"/> in the vocabulary, if it is there.</summary>
    int? IdOf(string token);
}
