using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tokengate.Simulator.Randomness;

namespace Tokengate.Simulator.Generation;

/// <summary>
/// Builds a JSON value that satisfies a JSON schema, as a model under structured outputs or a forced function call
/// answers: the arguments of a tool call, the content of a <c>json_schema</c> response. The same schema and seed
/// always give the same value.
/// </summary>
/// <remarks>
/// Covers what structured outputs and function parameters use: <c>type</c> (one or a list), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c>, <c>minProperties</c>/<c>maxProperties</c>, <c>items</c>,
/// <c>prefixItems</c>, <c>minItems</c>/<c>maxItems</c>, <c>uniqueItems</c>, <c>enum</c>, <c>const</c>,
/// <c>anyOf</c>/<c>oneOf</c> (one branch), <c>allOf</c> (object branches merged), <c>$ref</c> into the same
/// document (<c>#</c>, <c>#/$defs/…</c>, <c>#/definitions/…</c>), string <c>format</c>s, length and numeric bounds
/// and <c>multipleOf</c>. Not honoured: <c>pattern</c>, <c>patternProperties</c>, <c>not</c>, conditionals, and
/// remote references (treated as "any value").
/// </remarks>
internal sealed class JsonSchemaValueGenerator
{
    // Below this depth optional members and list lengths vary; beyond it only what the schema requires is written,
    // so recursive schemas (trees, linked lists) end.
    private const int SoftDepth = 5;

    // A schema that requires infinite nesting cannot be satisfied; stop rather than overflow the stack.
    private const int HardDepth = 32;

    private const int DefaultIntegerSpan = 100;
    private const int UniqueAttempts = 8;

    private static readonly string[] Words =
    [
        "alpha", "river", "stone", "green", "market", "north", "cedar", "lumen", "harbor", "delta", "echo", "maple",
        "orbit", "pixel", "quartz", "signal", "timber", "violet", "willow", "amber", "bright", "copper", "ember",
        "falcon", "garden", "summit", "meadow", "silver", "canyon", "breeze",
    ];

    private readonly JsonElement _root;
    private Utf8JsonWriter _writer;
    private SplitMix64 _random;

    private JsonSchemaValueGenerator(JsonElement root, Utf8JsonWriter writer, ulong seed)
    {
        _root = root;
        _writer = writer;
        _random = new SplitMix64(seed);
    }

    /// <summary>Compact JSON text of a value valid against <paramref name="schema"/>.</summary>
    public static string Generate(JsonElement schema, ulong seed)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new JsonSchemaValueGenerator(schema, writer, seed).Write(schema, 0);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Write(JsonElement schema, int depth)
    {
        if (schema.ValueKind == JsonValueKind.False || depth > HardDepth)
        {
            _writer.WriteNullValue();
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            // `true`, or no usable schema: any value is valid.
            WriteWords(1, 2);
            return;
        }

        if (TryGetString(schema, "$ref", out var reference))
        {
            Write(Resolve(reference), depth + 1);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(_writer);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[_random.Next(values.GetArrayLength())].WriteTo(_writer);
            return;
        }

        if (TryGetBranches(schema, "anyOf", out var branches) || TryGetBranches(schema, "oneOf", out branches))
        {
            Write(ChooseBranch(branches, depth), depth + 1);
            return;
        }

        var parts = new List<JsonElement>(2) { schema };
        if (TryGetBranches(schema, "allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
            {
                parts.Add(Deref(part));
            }
        }

        switch (ChooseType(parts, depth))
        {
            case "object":
                WriteObject(parts, depth);
                break;
            case "array":
                WriteArray(schema, depth);
                break;
            case "integer":
                WriteInteger(schema);
                break;
            case "number":
                WriteNumber(schema);
                break;
            case "boolean":
                _writer.WriteBooleanValue(_random.NextBool());
                break;
            case "null":
                _writer.WriteNullValue();
                break;
            default:
                WriteString(schema);
                break;
        }
    }

    /// <summary>The declared type (a listed non-null one while there is room to nest), else the one the keywords imply.</summary>
    private static string ChooseType(List<JsonElement> parts, int depth)
    {
        foreach (var part in parts)
        {
            if (!part.TryGetProperty("type", out var type))
            {
                continue;
            }

            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString()!;
            }

            if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
            {
                string? first = null;
                var nullable = false;
                foreach (var item in type.EnumerateArray())
                {
                    var name = item.GetString();
                    if (name == "null")
                    {
                        nullable = true;
                    }
                    else
                    {
                        first ??= name;
                    }
                }

                return first is null || (nullable && depth >= SoftDepth) ? "null" : first;
            }
        }

        foreach (var part in parts)
        {
            if (part.TryGetProperty("properties", out _) || part.TryGetProperty("required", out _) || part.TryGetProperty("additionalProperties", out _))
            {
                return "object";
            }

            if (part.TryGetProperty("items", out _) || part.TryGetProperty("prefixItems", out _))
            {
                return "array";
            }

            if (part.TryGetProperty("minimum", out _) || part.TryGetProperty("maximum", out _) || part.TryGetProperty("multipleOf", out _))
            {
                return "number";
            }
        }

        return "string";
    }

    private JsonElement ChooseBranch(JsonElement branches, int depth)
    {
        var count = branches.GetArrayLength();
        if (depth >= SoftDepth)
        {
            // Deep down, take the branch that ends the recursion: null, or one without a reference.
            foreach (var branch in branches.EnumerateArray())
            {
                if (IsNullSchema(branch))
                {
                    return branch;
                }
            }

            foreach (var branch in branches.EnumerateArray())
            {
                if (!(branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty("$ref", out _)))
                {
                    return branch;
                }
            }

            return branches[0];
        }

        // Models fill nullable fields far more often than not: pick among the non-null branches.
        var candidates = new List<JsonElement>(count);
        foreach (var branch in branches.EnumerateArray())
        {
            if (!IsNullSchema(branch))
            {
                candidates.Add(branch);
            }
        }

        return candidates.Count == 0 ? branches[0] : candidates[_random.Next(candidates.Count)];
    }

    private void WriteObject(List<JsonElement> parts, int depth)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        var properties = new List<JsonProperty>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonElement additional = default;
        int? minProperties = null;
        int? maxProperties = null;
        foreach (var part in parts)
        {
            if (part.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in names.EnumerateArray())
                {
                    if (name.ValueKind == JsonValueKind.String)
                    {
                        required.Add(name.GetString()!);
                    }
                }
            }

            if (part.TryGetProperty("properties", out var declared) && declared.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in declared.EnumerateObject())
                {
                    if (seen.Add(property.Name))
                    {
                        properties.Add(property);
                    }
                }
            }

            if (part.TryGetProperty("additionalProperties", out var extra) && additional.ValueKind == JsonValueKind.Undefined)
            {
                additional = extra;
            }

            minProperties ??= TryGetInt(part, "minProperties");
            maxProperties ??= TryGetInt(part, "maxProperties");
        }

        var min = minProperties ?? 0;
        var max = maxProperties ?? int.MaxValue;
        var written = 0;
        _writer.WriteStartObject();
        foreach (var property in properties)
        {
            var mandatory = required.Contains(property.Name);
            var wanted = mandatory || written < min || (depth < SoftDepth && _random.NextBool());
            if (!wanted || (!mandatory && written >= max))
            {
                continue;
            }

            _writer.WritePropertyName(property.Name);
            Write(property.Value, depth + 1);
            written++;
        }

        // Required names the schema does not describe take whatever additionalProperties allows.
        foreach (var name in required)
        {
            if (!seen.Contains(name))
            {
                _writer.WritePropertyName(name);
                WriteAdditional(additional, depth);
                written++;
            }
        }

        var allowsExtra = additional.ValueKind != JsonValueKind.False;
        for (var extra = 1; allowsExtra && written < min; extra++)
        {
            var name = "key" + extra.ToString(CultureInfo.InvariantCulture);
            if (seen.Contains(name))
            {
                continue;
            }

            _writer.WritePropertyName(name);
            WriteAdditional(additional, depth);
            written++;
        }

        _writer.WriteEndObject();
    }

    private void WriteAdditional(JsonElement additional, int depth)
    {
        if (additional.ValueKind == JsonValueKind.Object)
        {
            Write(additional, depth + 1);
        }
        else
        {
            WriteWords(1, 2);
        }
    }

    private void WriteArray(JsonElement schema, int depth)
    {
        var prefix = schema.TryGetProperty("prefixItems", out var tuple) && tuple.ValueKind == JsonValueKind.Array ? tuple : default;
        var prefixCount = prefix.ValueKind == JsonValueKind.Array ? prefix.GetArrayLength() : 0;
        var items = schema.TryGetProperty("items", out var itemSchema) ? itemSchema : default;

        // Draft 2019 and older spell a tuple as an "items" array.
        if (items.ValueKind == JsonValueKind.Array)
        {
            prefix = items;
            prefixCount = items.GetArrayLength();
            items = schema.TryGetProperty("additionalItems", out var rest) ? rest : default;
        }

        var min = Math.Max(0, TryGetInt(schema, "minItems") ?? 0);
        var max = TryGetInt(schema, "maxItems") ?? int.MaxValue;
        var natural = depth >= SoftDepth ? 0 : 1 + _random.Next(3);
        var count = Math.Min(Math.Max(natural, min), max);
        if (items.ValueKind == JsonValueKind.False)
        {
            count = Math.Min(count, prefixCount);
        }

        var unique = schema.TryGetProperty("uniqueItems", out var u) && u.ValueKind == JsonValueKind.True;
        var written = new HashSet<string>(StringComparer.Ordinal);
        _writer.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            var element = i < prefixCount ? prefix[i] : items;
            if (!unique)
            {
                Write(element, depth + 1);
                continue;
            }

            // Draw again until the element differs from the earlier ones; a small domain (booleans, a short enum)
            // may run out, and then the array stops short.
            string? json = null;
            for (var attempt = 0; attempt < UniqueAttempts && json is null; attempt++)
            {
                var candidate = Capture(element, depth + 1);
                if (written.Add(candidate))
                {
                    json = candidate;
                }
            }

            if (json is null)
            {
                break;
            }

            _writer.WriteRawValue(json, skipInputValidation: true);
        }

        _writer.WriteEndArray();
    }

    private string Capture(JsonElement schema, int depth)
    {
        var saved = _writer;
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            _writer = writer;
            try
            {
                Write(schema, depth);
            }
            finally
            {
                _writer = saved;
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteInteger(JsonElement schema)
    {
        var lower = Bound(schema, "minimum", "exclusiveMinimum", lowerBound: true);
        var upper = Bound(schema, "maximum", "exclusiveMaximum", lowerBound: false);
        var lo = lower is { } l ? (long)Math.Ceiling(Clamp(l.Value) + (l.Exclusive && l.Value == Math.Floor(l.Value) ? 1 : 0)) : (long?)null;
        var hi = upper is { } h ? (long)Math.Floor(Clamp(h.Value) - (h.Exclusive && h.Value == Math.Floor(h.Value) ? 1 : 0)) : (long?)null;
        var from = lo ?? (hi is long top && top < 0 ? top - DefaultIntegerSpan : 0);
        var to = hi ?? from + DefaultIntegerSpan;
        if (to < from)
        {
            _writer.WriteNumberValue(from);
            return;
        }

        var step = schema.TryGetProperty("multipleOf", out var m) && m.TryGetInt64(out var multiple) && multiple > 0 ? multiple : 1;
        var first = CeilingDiv(from, step);
        var last = FloorDiv(to, step);
        if (last < first)
        {
            _writer.WriteNumberValue(first * step);
            return;
        }

        var span = (ulong)Math.Min(last - first, 1_000_000_000L) + 1;
        _writer.WriteNumberValue((first + (long)(_random.Next() % span)) * step);
    }

    private void WriteNumber(JsonElement schema)
    {
        var lower = Bound(schema, "minimum", "exclusiveMinimum", lowerBound: true);
        var upper = Bound(schema, "maximum", "exclusiveMaximum", lowerBound: false);
        var lo = lower is { } l ? (decimal)Clamp(l.Value) : (upper is { } u0 && u0.Value < 0 ? (decimal)Clamp(u0.Value) - DefaultIntegerSpan : 0m);
        var hi = upper is { } h ? (decimal)Clamp(h.Value) : lo + DefaultIntegerSpan;
        if (schema.TryGetProperty("multipleOf", out var m) && m.TryGetDecimal(out var multiple) && multiple > 0)
        {
            // Decimal arithmetic, so a validator checking value / multipleOf sees an exact integer.
            var first = decimal.Ceiling(lo / multiple);
            var last = decimal.Floor(hi / multiple);
            if (lower is { Exclusive: true } && first * multiple == lo)
            {
                first++;
            }

            if (upper is { Exclusive: true } && last * multiple == hi)
            {
                last--;
            }

            var k = last < first ? first : first + (Math.Min(last - first, 1_000_000m) * (decimal)_random.NextDouble());
            WriteDecimal(decimal.Round(k, 0, MidpointRounding.ToZero) * multiple);
            return;
        }

        if (hi < lo)
        {
            WriteDecimal(lo);
            return;
        }

        var value = decimal.Round(lo + ((hi - lo) * (decimal)_random.NextDouble()), 2);
        if (value < lo || value > hi || (lower is { Exclusive: true } && value == lo) || (upper is { Exclusive: true } && value == hi))
        {
            value = (lo + hi) / 2;
        }

        WriteDecimal(value);
    }

    /// <summary>Computed in decimal so bounds and multiples are exact; written as the shortest form (22.8, not 22.80).</summary>
    private void WriteDecimal(decimal value) => _writer.WriteNumberValue((double)value);

    private void WriteString(JsonElement schema)
    {
        var text = TryGetString(schema, "format", out var format) ? Formatted(format) : null;
        if (text is null)
        {
            var builder = new StringBuilder();
            var words = 1 + _random.Next(3);
            for (var i = 0; i < words; i++)
            {
                builder.Append(i == 0 ? string.Empty : " ").Append(Words[_random.Next(Words.Length)]);
            }

            text = builder.ToString();
        }

        var min = TryGetInt(schema, "minLength") ?? 0;
        var max = TryGetInt(schema, "maxLength") ?? int.MaxValue;
        if (text.Length < min)
        {
            var builder = new StringBuilder(text);
            while (builder.Length < min)
            {
                builder.Append(' ').Append(Words[_random.Next(Words.Length)]);
            }

            text = builder.ToString();
        }

        if (text.Length > max)
        {
            text = text[..Math.Max(0, max)];
        }

        _writer.WriteStringValue(text);
    }

    private string? Formatted(string format)
    {
        var ctx = CultureInfo.InvariantCulture;
        var word = Words[_random.Next(Words.Length)];
        return format switch
        {
            "date-time" => string.Create(ctx, $"{2020 + _random.Next(6):0000}-{1 + _random.Next(12):00}-{1 + _random.Next(28):00}T{_random.Next(24):00}:{_random.Next(60):00}:{_random.Next(60):00}Z"),
            "date" => string.Create(ctx, $"{2020 + _random.Next(6):0000}-{1 + _random.Next(12):00}-{1 + _random.Next(28):00}"),
            "time" => string.Create(ctx, $"{_random.Next(24):00}:{_random.Next(60):00}:{_random.Next(60):00}Z"),
            "duration" => string.Create(ctx, $"PT{1 + _random.Next(59)}M"),
            "email" or "idn-email" => word + "@example.com",
            "hostname" or "idn-hostname" => word + ".example.com",
            "uri" or "url" or "iri" or "uri-reference" or "iri-reference" => "https://example.com/" + word,
            "uuid" => Uuid(),
            "ipv4" => string.Create(ctx, $"10.{_random.Next(256)}.{_random.Next(256)}.{1 + _random.Next(254)}"),
            "ipv6" => string.Create(ctx, $"2001:db8::{_random.Next(0x10000):x}"),
            _ => null,
        };
    }

    private string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, _random.Next());
        BitConverter.TryWriteBytes(bytes[8..], _random.Next());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, in Guid's little-endian field layout
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString("D");
    }

    private void WriteWords(int min, int spread)
    {
        var builder = new StringBuilder();
        var words = min + _random.Next(spread);
        for (var i = 0; i < words; i++)
        {
            builder.Append(i == 0 ? string.Empty : " ").Append(Words[_random.Next(Words.Length)]);
        }

        _writer.WriteStringValue(builder.ToString());
    }

    /// <summary>A numeric bound in either draft style: a number-valued exclusive keyword, or draft 4's boolean flag.</summary>
    private static (double Value, bool Exclusive)? Bound(JsonElement schema, string inclusive, string exclusive, bool lowerBound)
    {
        (double Value, bool Exclusive)? bound = null;
        var hasInclusive = schema.TryGetProperty(inclusive, out var value) && value.ValueKind == JsonValueKind.Number;
        if (hasInclusive)
        {
            bound = (value.GetDouble(), false);
        }

        if (schema.TryGetProperty(exclusive, out var other))
        {
            if (other.ValueKind == JsonValueKind.True && hasInclusive)
            {
                bound = (value.GetDouble(), true);
            }
            else if (other.ValueKind == JsonValueKind.Number)
            {
                var candidate = other.GetDouble();
                var tighter = bound is not { } b || (lowerBound ? candidate >= b.Value : candidate <= b.Value);
                if (tighter)
                {
                    bound = (candidate, true);
                }
            }
        }

        return bound;
    }

    private JsonElement Deref(JsonElement schema)
    {
        for (var hops = 0; hops < HardDepth && schema.ValueKind == JsonValueKind.Object && TryGetString(schema, "$ref", out var reference); hops++)
        {
            schema = Resolve(reference);
        }

        return schema;
    }

    /// <summary>A JSON pointer into this document (<c>#</c>, <c>#/$defs/node</c>); anything else allows any value.</summary>
    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith('#'))
        {
            return default;
        }

        var node = _root;
        foreach (var raw in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(token, out var child))
            {
                node = child;
            }
            else if (node.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < node.GetArrayLength())
            {
                node = node[index];
            }
            else
            {
                return default;
            }
        }

        return node;
    }

    private bool IsNullSchema(JsonElement schema)
    {
        schema = Deref(schema);
        return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String && type.ValueEquals("null");
    }

    private static bool TryGetBranches(JsonElement schema, string name, out JsonElement branches) =>
        schema.TryGetProperty(name, out branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0;

    private static bool TryGetString(JsonElement schema, string name, out string value)
    {
        if (schema.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!;
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static int? TryGetInt(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) ? value : null;

    // Bounds far beyond any practical value would overflow long and decimal conversions.
    private static double Clamp(double value) => Math.Clamp(value, -1e15, 1e15);

    private static long CeilingDiv(long value, long step) => value >= 0 ? (value + step - 1) / step : -(-value / step);

    private static long FloorDiv(long value, long step) => value >= 0 ? value / step : -((-value + step - 1) / step);
}
