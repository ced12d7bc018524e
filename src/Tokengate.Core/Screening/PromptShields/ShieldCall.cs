namespace Tokengate.Screening.PromptShields;

/// <summary>
/// One <c>text:shieldPrompt</c> call: at most one user prompt piece and at most five document pieces totalling
/// 10,000 characters or fewer.
/// </summary>
internal sealed record ShieldCall(ShieldPiece? UserPrompt, IReadOnlyList<ShieldPiece> Documents);
