namespace Tokengate.Screening.PromptShields;

/// <summary>
/// One piece of text as Prompt Shields sees it: at most 10,000 characters of a user prompt or of a document, with the
/// key its verdict is cached under (SHA-256 of the text, user prompts and documents kept apart).
/// </summary>
internal readonly record struct ShieldPiece(string Text, bool IsDocument, string CacheKey);
