using System.Globalization;
using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Typed reads of a media request's fields, from a JSON body or a multipart form alike (form values arrive as text
/// and are parsed). The first invalid field is kept in <see cref="Error"/>; every later read then returns null, so a
/// responder reads everything it needs and checks once.
/// </summary>
internal sealed class MediaParameters
{
    private readonly JsonElement _json;
    private readonly MediaForm? _form;

    private MediaParameters(JsonElement json, MediaForm? form)
    {
        _json = json;
        _form = form;
    }

    /// <summary>The first problem found, in the service's (message, param, code) form.</summary>
    public (string Message, string? Param, string? Code)? Error { get; private set; }

    public static MediaParameters FromJson(JsonElement root) => new(root, null);

    public static MediaParameters FromForm(MediaForm form) => new(default, form);

    public string? String(string name)
    {
        if (Error is not null)
        {
            return null;
        }

        if (_form is not null)
        {
            return _form.Field(name);
        }

        if (!_json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error = RequestErrors.InvalidType(name, "a string", value);
            return null;
        }

        return value.GetString();
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? Choice(string name, params string[] allowed)
    {
        var value = String(name);
        if (value is null || allowed.Contains(value, StringComparer.Ordinal))
        {
            return value;
        }

        Error = RequestErrors.InvalidValue(name, $"Invalid value: '{value}'. Supported values are: {List(allowed)}.");
        return null;
    }

    /// <summary>Every value of an array field (a JSON array of strings, or repeated <c>name</c> / <c>name[]</c> form fields).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (Error is not null)
        {
            return [];
        }

        if (_form is not null)
        {
            return _form.Values(name);
        }

        if (!_json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            Error = RequestErrors.InvalidType(name, "an array of strings", value);
            return [];
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    public int? Int(string name, long min, long max)
    {
        if (Error is not null)
        {
            return null;
        }

        if (_form is null)
        {
            if (!RequestErrors.TryReadInt(_json, name, name, min, max, out var parsed, out var error))
            {
                Error = error;
            }

            return parsed;
        }

        if (_form.Field(name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            Error = RequestErrors.InvalidValue(name, $"Invalid value for '{name}': expected an integer, but got '{text}' instead.");
            return null;
        }

        Error = number > max ? RequestErrors.AboveMax(name, max, number) : number < min ? RequestErrors.BelowMin(name, min, number) : null;
        return Error is null ? (int)number : null;
    }

    public double? Number(string name, double min, double max)
    {
        if (Error is not null)
        {
            return null;
        }

        double number;
        if (_form is null)
        {
            if (!_json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                Error = RequestErrors.InvalidType(name, "a number", value);
                return null;
            }

            number = value.GetDouble();
        }
        else
        {
            if (_form.Field(name) is not { } text)
            {
                return null;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || !double.IsFinite(number))
            {
                Error = RequestErrors.InvalidValue(name, $"Invalid value for '{name}': expected a number, but got '{text}' instead.");
                return null;
            }
        }

        if (number > max)
        {
            Error = (string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': number above maximum value. Expected a value <= {max}, but got {number} instead."), name, "decimal_above_max_value");
            return null;
        }

        if (number < min)
        {
            Error = (string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': number below minimum value. Expected a value >= {min}, but got {number} instead."), name, "decimal_below_min_value");
            return null;
        }

        return number;
    }

    public bool? Bool(string name)
    {
        if (Error is not null)
        {
            return null;
        }

        if (_form is not null)
        {
            switch (_form.Field(name)?.ToUpperInvariant())
            {
                case null:
                    return null;
                case "TRUE":
                    return true;
                case "FALSE":
                    return false;
                default:
                    Error = RequestErrors.InvalidValue(name, $"Invalid value for '{name}': expected a boolean.");
                    return null;
            }
        }

        if (!_json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error = RequestErrors.InvalidType(name, "a boolean", value);
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>Records a problem found by the responder itself, unless an earlier one is already kept.</summary>
    public void Fail((string Message, string? Param, string? Code) error) => Error ??= error;

    /// <summary><c>'a', 'b', and 'c'</c>, as the service lists allowed values.</summary>
    public static string List(IReadOnlyList<string> values) =>
        values.Count switch
        {
            1 => $"'{values[0]}'",
            2 => $"'{values[0]}' and '{values[1]}'",
            _ => string.Join(", ", values.Take(values.Count - 1).Select(v => $"'{v}'")) + $", and '{values[^1]}'",
        };
}
