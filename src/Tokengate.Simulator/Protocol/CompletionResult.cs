using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// A generated chat or legacy completion, ready to be written whole or streamed; chat carries the tier that served it,
/// and whether the prompt filter detected a jailbreak (<see cref="PromptFilterMarkers"/>).
/// </summary>
internal sealed record CompletionResult(
    bool Chat,
    string Id,
    long Created,
    string Model,
    string Fingerprint,
    int PromptCount,
    GeneratedChoice[] Choices,
    int PromptTokens,
    int CompletionTokens,
    string? ServiceTier = null,
    bool JailbreakDetected = false)
{
    /// <summary>Streamed pieces of the longest choice: what the per-token latency scales with.</summary>
    public int LongestChoice
    {
        get
        {
            var longest = 0;
            foreach (var choice in Choices)
            {
                longest = Math.Max(longest, choice.PieceCount);
            }

            return longest;
        }
    }
}
