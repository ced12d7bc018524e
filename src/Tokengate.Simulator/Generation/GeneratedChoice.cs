using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Generation;

/// <summary>
/// One answer: either text (<see cref="Text"/>, with <see cref="Logprobs"/> per piece when asked for) or a function
/// call (<see cref="ToolCall"/>, with empty text).
/// </summary>
internal sealed record GeneratedChoice(GeneratedText Text, GeneratedToolCall? ToolCall, TokenLogprob[]? Logprobs)
{
    public string FinishReason => ToolCall is { } call ? (call.Truncated ? "length" : "tool_calls") : Text.FinishReason;

    public int TokenCount => ToolCall?.TokenCount ?? Text.TokenCount;

    /// <summary>Streamed pieces: argument fragments of a call, otherwise text pieces.</summary>
    public int PieceCount => ToolCall?.Pieces.Length ?? Text.Ends.Length;

    /// <summary>Whether a token bound cut the answer short.</summary>
    public bool Truncated => FinishReason == "length";

    /// <summary>The text of streamed piece <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> Piece(int index)
    {
        var (text, ends) = ToolCall is { } call ? (call.Arguments, call.Pieces) : (Text.Text, Text.Ends);
        var start = index == 0 ? 0 : ends[index - 1];
        return text.AsSpan(start, ends[index] - start);
    }

    /// <summary>The first <paramref name="pieces"/> pieces joined: what a client has received after that many.</summary>
    public string Prefix(int pieces)
    {
        var (text, ends) = ToolCall is { } call ? (call.Arguments, call.Pieces) : (Text.Text, Text.Ends);
        return pieces <= 0 ? string.Empty : pieces >= ends.Length ? text : text[..ends[pieces - 1]];
    }
}
