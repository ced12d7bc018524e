using System.Globalization;
using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// The functions a request offers and the one <c>tool_choice</c> forces, for chat (<c>{type, function:{name,
/// parameters}}</c>) and Responses (<c>{type, name, parameters}</c>) shapes. Other tool types (web search, file
/// search, MCP, …) are accepted and never called.
/// </summary>
internal sealed record ToolRequest(IReadOnlyList<FunctionTool> Functions, FunctionTool? Forced)
{
    public static readonly ToolRequest None = new([], null);

    public static ToolRequest? Parse(JsonElement root, bool chatShape, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        var functions = new List<FunctionTool>();
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                error = RequestErrors.InvalidType("tools", "an array", tools);
                return null;
            }

            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"tools[{index++}]");
                if (tool.ValueKind != JsonValueKind.Object)
                {
                    error = RequestErrors.InvalidType(at, "an object", tool);
                    return null;
                }

                if (!tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    error = RequestErrors.Missing(at + ".type");
                    return null;
                }

                if (!type.ValueEquals("function"))
                {
                    continue;
                }

                var definition = tool;
                var prefix = at;
                if (chatShape)
                {
                    if (!tool.TryGetProperty("function", out definition) || definition.ValueKind != JsonValueKind.Object)
                    {
                        error = RequestErrors.Missing(at + ".function");
                        return null;
                    }

                    prefix = at + ".function";
                }

                if (!definition.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                {
                    error = RequestErrors.Missing(prefix + ".name");
                    return null;
                }

                var parameters = definition.TryGetProperty("parameters", out var schema) ? schema.Clone() : default;
                functions.Add(new FunctionTool(name.GetString()!, parameters));
            }
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return functions.Count == 0 ? None : new ToolRequest(functions, null);
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            var mode = choice.GetString();
            if (mode is "none" or "auto")
            {
                return new ToolRequest(functions, null);
            }

            if (mode != "required")
            {
                error = RequestErrors.InvalidValue("tool_choice", $"Invalid value: '{mode}'. Supported values are: 'none', 'auto', and 'required'.");
                return null;
            }

            if (functions.Count == 0)
            {
                error = RequestErrors.InvalidValue("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
                return null;
            }

            // With several functions the first is called: predictable, and any of them is a valid answer.
            return new ToolRequest(functions, functions[0]);
        }

        if (choice.ValueKind != JsonValueKind.Object)
        {
            error = RequestErrors.InvalidType("tool_choice", "a string or an object", choice);
            return null;
        }

        if (!choice.TryGetProperty("type", out var choiceType) || !choiceType.ValueEquals("function"))
        {
            // A hosted tool or an allowed_tools list: nothing the simulator calls.
            return new ToolRequest(functions, null);
        }

        var named = choice;
        var param = "tool_choice.name";
        if (chatShape)
        {
            param = "tool_choice.function.name";
            if (!choice.TryGetProperty("function", out named) || named.ValueKind != JsonValueKind.Object)
            {
                error = RequestErrors.Missing("tool_choice.function");
                return null;
            }
        }

        if (!named.TryGetProperty("name", out var wanted) || wanted.ValueKind != JsonValueKind.String)
        {
            error = RequestErrors.Missing(param);
            return null;
        }

        foreach (var function in functions)
        {
            if (function.Name == wanted.GetString())
            {
                return new ToolRequest(functions, function);
            }
        }

        error = RequestErrors.InvalidValue("tool_choice", $"Invalid value for 'tool_choice': function '{wanted.GetString()}' not found in 'tools'.");
        return null;
    }
}
