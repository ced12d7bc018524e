namespace Tokengate.Accounting;

/// <summary>
/// A usage filter by what a request carried, told from the ledger's operation and usage columns. A request can
/// match more than one (a chat with an image is text and image); rows that predate the operation column count as text.
/// </summary>
public enum UsageModality
{
    /// <summary>Text generation (chat, completions, Responses, realtime) with text tokens beyond any audio or image tokens, or no tokens at all.</summary>
    Text,

    /// <summary>Image generation and edits, or any request with image tokens or images.</summary>
    Image,

    /// <summary>Speech, transcription and translation, or any request with audio tokens, audio seconds or speech characters.</summary>
    Audio,

    /// <summary>Embeddings.</summary>
    Embeddings,
}
