using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.FineTuning;

/// <summary>What a job's validation finds in a training or validation file: its examples and tokens, or why it is invalid.</summary>
internal sealed record TrainingData(int Examples, long Tokens, string? Error)
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>
    /// Checks the file as the service does before training: UTF-8 JSON Lines, each line one example in the chat
    /// format (<c>{"messages":[…]}</c> with at least one assistant message) or, for DPO, <c>{"input":{"messages":[…]},
    /// "preferred_output":[…], "non_preferred_output":[…]}</c>; at least <paramref name="minExamples"/> examples.
    /// Tokens are counted with the base model's tokenizer, as a chat prompt is.
    /// </summary>
    public static TrainingData Analyze(byte[] content, bool dpo, Tokenizer tokenizer, int minExamples)
    {
        var span = content.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Invalid("The file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM.");
        }

        var examples = 0;
        long tokens = 0;
        var line = 0;
        ulong hash = Fnv1a.Offset;
        while (span.Length > 0)
        {
            line++;
            var end = span.IndexOf((byte)'\n');
            var text = (end < 0 ? span : span[..end]).TrimEnd((byte)'\r');
            span = end < 0 ? [] : span[(end + 1)..];
            if (text.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text.ToArray());
            }
            catch (JsonException)
            {
                return Invalid(Format($"Line {line} is not valid JSON."));
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return Invalid(Format($"Line {line} is not a JSON object."));
                }

                if (dpo)
                {
                    if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object
                        || !input.TryGetProperty("messages", out var inputMessages) || CheckMessages(inputMessages, line, needAssistant: false) is not null)
                    {
                        return Invalid(Format($"Line {line}: a DPO example needs 'input.messages'."));
                    }

                    tokens += PromptTokenCounter.CountMessages(inputMessages, tokenizer, ref hash);
                    foreach (var name in (string[])["preferred_output", "non_preferred_output"])
                    {
                        if (!root.TryGetProperty(name, out var output) || CheckMessages(output, line, needAssistant: true) is not null)
                        {
                            return Invalid(Format($"Line {line}: a DPO example needs '{name}' with an assistant message."));
                        }

                        tokens += PromptTokenCounter.CountMessages(output, tokenizer, ref hash);
                    }
                }
                else
                {
                    if (!root.TryGetProperty("messages", out var messages))
                    {
                        return Invalid(Format($"Line {line}: missing 'messages'."));
                    }

                    if (CheckMessages(messages, line, needAssistant: true) is { } error)
                    {
                        return Invalid(error);
                    }

                    tokens += PromptTokenCounter.CountMessages(messages, tokenizer, ref hash);
                }
            }

            examples++;
        }

        if (examples < minExamples)
        {
            return Invalid(Format($"The file has {examples} example(s), but at least {minExamples} are required."));
        }

        return new TrainingData(examples, tokens, null);
    }

    private static string? CheckMessages(JsonElement messages, int line, bool needAssistant)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return Format($"Line {line}: 'messages' must be a non-empty array.");
        }

        var index = 0;
        var assistant = false;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return Format($"Line {line}, message {index}: missing 'role'.");
            }

            var roleName = role.GetString()!;
            if (!Roles.Contains(roleName, StringComparer.Ordinal))
            {
                return Format($"Line {line}, message {index}: unrecognized role '{roleName}'.");
            }

            var hasCalls = message.TryGetProperty("tool_calls", out _) || message.TryGetProperty("function_call", out _);
            if (!message.TryGetProperty("content", out var content)
                || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array) && !(content.ValueKind == JsonValueKind.Null && hasCalls))
            {
                if (!hasCalls)
                {
                    return Format($"Line {line}, message {index}: missing 'content'.");
                }
            }

            assistant |= roleName == "assistant";
        }

        return needAssistant && !assistant ? Format($"Line {line}: no assistant message to learn from.") : null;
    }

    private static TrainingData Invalid(string reason) => new(0, 0, reason);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
