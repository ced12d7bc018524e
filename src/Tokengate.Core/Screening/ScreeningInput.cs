namespace Tokengate.Screening;

/// <summary>
/// What one request asks to have screened: the user's own words (screened for jailbreaks) and untrusted content
/// (screened for indirect attacks), as plain text pieces in the order they appear in the request.
/// </summary>
/// <param name="UserPrompt">The newest user turn, and earlier user turns when the policy asks for them.</param>
/// <param name="Documents">Tool results, function call outputs, documents and retrieved passages.</param>
internal sealed record ScreeningInput(IReadOnlyList<string> UserPrompt, IReadOnlyList<string> Documents)
{
    public static ScreeningInput Empty { get; } = new([], []);

    public bool IsEmpty => UserPrompt.Count == 0 && Documents.Count == 0;
}
