namespace Tokengate.Simulator.Generation;

/// <summary>What a request asks of one answer.</summary>
/// <param name="MaxTokens">Output bound; null for the natural length.</param>
/// <param name="Stop">Stop sequences (free text only).</param>
/// <param name="ForcedTool">The function the model must call (<c>tool_choice</c> required or named); null for text.</param>
/// <param name="Format">Text, a JSON object, or a schema-shaped value.</param>
/// <param name="TopLogprobs">Entries per token in the logprob alternatives, the chosen token included; null for no logprobs.</param>
internal sealed record AnswerSpec(int? MaxTokens, IReadOnlyList<string>? Stop, FunctionTool? ForcedTool, OutputFormat Format, int? TopLogprobs);
