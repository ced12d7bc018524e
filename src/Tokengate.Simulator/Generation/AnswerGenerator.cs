using System.Text.Json;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Generation;

/// <summary>Turns a request's seed and asks into one answer: free text, a JSON value, or a function call.</summary>
internal sealed class AnswerGenerator(TokenizerProvider tokenizers)
{
    // What json_object mode answers: any object is valid, so a small fixed shape keeps answers recognisable.
    private static readonly JsonElement JsonObjectSchema = JsonSerializer.Deserialize<JsonElement>(
        """{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number","minimum":0,"maximum":1}},"required":["answer","confidence"]}""");

    private static readonly GeneratedText NoText = new(string.Empty, [], 0, "stop");

    public GeneratedChoice Generate(TokenEncoding encoding, ulong seed, AnswerSpec spec)
    {
        var words = tokenizers.Generator(encoding);
        if (spec.ForcedTool is { } tool)
        {
            var arguments = DescribesValue(tool.Parameters) ? JsonSchemaValueGenerator.Generate(tool.Parameters, seed) : "{}";
            var pieces = words.Tokenize(arguments, spec.MaxTokens);
            var call = new GeneratedToolCall(NewCallId(), tool.Name, pieces.Text, pieces.Ends, pieces.TokenCount, pieces.FinishReason == "length");
            return new GeneratedChoice(NoText, call, null);
        }

        var text = spec.Format.Kind switch
        {
            OutputFormatKind.JsonSchema => words.Tokenize(JsonSchemaValueGenerator.Generate(spec.Format.Schema, seed), spec.MaxTokens),
            OutputFormatKind.JsonObject => words.Tokenize(JsonSchemaValueGenerator.Generate(JsonObjectSchema, seed), spec.MaxTokens),
            _ => words.Generate(seed, spec.MaxTokens, spec.Stop),
        };
        var logprobs = spec.TopLogprobs is int top ? LogprobGenerator.For(text, seed, top, words) : null;
        return new GeneratedChoice(text, null, logprobs);
    }

    /// <summary>Shaped like the service's call ids: <c>call_</c> and 24 alphanumerics.</summary>
    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Function parameters always describe an object; an absent or empty schema means "no arguments".</summary>
    private static bool DescribesValue(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var keyword in (ReadOnlySpan<string>)["type", "properties", "$ref", "anyOf", "oneOf", "allOf"])
        {
            if (parameters.TryGetProperty(keyword, out _))
            {
                return true;
            }
        }

        return false;
    }
}
