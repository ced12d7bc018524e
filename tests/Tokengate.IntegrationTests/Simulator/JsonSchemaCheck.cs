using System.Globalization;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>
/// A small JSON-schema validator written apart from the simulator's generator, so a test checks generated values
/// against the schema rather than against the generator's own reading of it. Covers the keywords the tests use.
/// </summary>
internal static class JsonSchemaCheck
{
    /// <summary>Null when <paramref name="value"/> satisfies <paramref name="schema"/>; otherwise where and why not.</summary>
    public static string? Validate(JsonElement schema, JsonElement value) => Check(schema, schema, value, "$");

    public static void AssertValid(JsonElement schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var error = Validate(schema, document.RootElement);
        Assert.True(error is null, $"{error} in {json}");
    }

    private static string? Check(JsonElement root, JsonElement schema, JsonElement value, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            return $"{path}: no value allowed";
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = root;
            foreach (var segment in reference.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target.GetProperty(segment);
            }

            return Check(root, target, value, path);
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            return $"{path}: not the const";
        }

        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, value)))
        {
            return $"{path}: not in enum";
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.EnumerateArray().All(b => Check(root, b, value, path) is not null))
        {
            return $"{path}: matches no anyOf branch";
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Count(b => Check(root, b, value, path) is null) != 1)
        {
            return $"{path}: does not match exactly one oneOf branch";
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var branch in allOf.EnumerateArray())
            {
                if (Check(root, branch, value, path) is { } error)
                {
                    return error;
                }
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => IsType(t, value)))
            {
                return $"{path}: {value.ValueKind} is not {string.Join("|", types)}";
            }
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => CheckObject(root, schema, value, path),
            JsonValueKind.Array => CheckArray(root, schema, value, path),
            JsonValueKind.String => CheckString(schema, value.GetString()!, path),
            JsonValueKind.Number => CheckNumber(schema, value.GetDecimal(), path),
            _ => null,
        };
    }

    private static bool IsType(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.GetDecimal() == decimal.Truncate(value.GetDecimal()),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    private static string? CheckObject(JsonElement root, JsonElement schema, JsonElement value, string path)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!value.TryGetProperty(name.GetString()!, out _))
                {
                    return $"{path}: required '{name.GetString()}' missing";
                }
            }
        }

        var count = 0;
        foreach (var member in value.EnumerateObject())
        {
            count++;
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var memberSchema))
            {
                if (Check(root, memberSchema, member.Value, $"{path}.{member.Name}") is { } error)
                {
                    return error;
                }
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                if (Check(root, additional, member.Value, $"{path}.{member.Name}") is { } error)
                {
                    return error;
                }
            }
        }

        if (schema.TryGetProperty("minProperties", out var min) && count < min.GetInt32())
        {
            return $"{path}: fewer than minProperties";
        }

        return schema.TryGetProperty("maxProperties", out var max) && count > max.GetInt32() ? $"{path}: more than maxProperties" : null;
    }

    private static string? CheckArray(JsonElement root, JsonElement schema, JsonElement value, string path)
    {
        var length = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && length < min.GetInt32())
        {
            return $"{path}: fewer than minItems";
        }

        if (schema.TryGetProperty("maxItems", out var max) && length > max.GetInt32())
        {
            return $"{path}: more than maxItems";
        }

        var prefix = schema.TryGetProperty("prefixItems", out var tuple) ? tuple.GetArrayLength() : 0;
        var seen = new HashSet<string>();
        for (var i = 0; i < length; i++)
        {
            var item = value[i];
            if (schema.TryGetProperty("uniqueItems", out var unique) && unique.GetBoolean() && !seen.Add(item.GetRawText()))
            {
                return $"{path}[{i}]: duplicate";
            }

            var itemSchema = i < prefix ? tuple[i] : schema.TryGetProperty("items", out var items) ? items : default;
            if (itemSchema.ValueKind != JsonValueKind.Undefined && Check(root, itemSchema, item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckString(JsonElement schema, string text, string path)
    {
        if (schema.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32())
        {
            return $"{path}: shorter than minLength";
        }

        if (schema.TryGetProperty("maxLength", out var max) && text.Length > max.GetInt32())
        {
            return $"{path}: longer than maxLength";
        }

        if (schema.TryGetProperty("format", out var format))
        {
            var ok = format.GetString() switch
            {
                "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "email" => text.Contains('@', StringComparison.Ordinal),
                "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
                "uuid" => Guid.TryParseExact(text, "D", out _),
                _ => true,
            };
            if (!ok)
            {
                return $"{path}: '{text}' is not a {format.GetString()}";
            }
        }

        return null;
    }

    private static string? CheckNumber(JsonElement schema, decimal number, string path)
    {
        if (schema.TryGetProperty("minimum", out var min) && number < min.GetDecimal())
        {
            return $"{path}: below minimum";
        }

        if (schema.TryGetProperty("maximum", out var max) && number > max.GetDecimal())
        {
            return $"{path}: above maximum";
        }

        if (schema.TryGetProperty("exclusiveMinimum", out var xmin) && xmin.ValueKind == JsonValueKind.Number && number <= xmin.GetDecimal())
        {
            return $"{path}: not above exclusiveMinimum";
        }

        if (schema.TryGetProperty("exclusiveMaximum", out var xmax) && xmax.ValueKind == JsonValueKind.Number && number >= xmax.GetDecimal())
        {
            return $"{path}: not below exclusiveMaximum";
        }

        return schema.TryGetProperty("multipleOf", out var step) && number % step.GetDecimal() != 0 ? $"{path}: not a multiple of {step}" : null;
    }
}
