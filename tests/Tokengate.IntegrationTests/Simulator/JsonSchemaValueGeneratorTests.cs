using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class JsonSchemaValueGeneratorTests
{
    private const string RichSchema = """
        {
          "type": "object",
          "properties": {
            "city": { "type": "string", "minLength": 3, "maxLength": 40 },
            "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] },
            "days": { "type": "integer", "minimum": 1, "maximum": 14 },
            "even": { "type": "integer", "minimum": -9, "maximum": 9, "multipleOf": 2 },
            "ratio": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
            "step": { "type": "number", "minimum": 0.1, "maximum": 2, "multipleOf": 0.25 },
            "when": { "type": "string", "format": "date-time" },
            "day": { "type": "string", "format": "date" },
            "id": { "type": "string", "format": "uuid" },
            "mail": { "type": "string", "format": "email" },
            "flag": { "type": "boolean" },
            "note": { "type": ["string", "null"] },
            "kind": { "const": "forecast" },
            "choice": { "anyOf": [ { "type": "integer", "minimum": 100 }, { "type": "null" } ] },
            "tags": { "type": "array", "items": { "type": "string", "enum": ["a", "b", "c"] }, "minItems": 1, "maxItems": 3, "uniqueItems": true },
            "point": { "type": "array", "prefixItems": [ { "type": "number" }, { "type": "string" } ], "minItems": 2, "maxItems": 2 },
            "tree": { "$ref": "#/$defs/node" },
            "extras": { "type": "object", "additionalProperties": { "type": "integer" }, "minProperties": 2 },
            "merged": { "allOf": [ { "type": "object", "properties": { "a": { "type": "string" } }, "required": ["a"] },
                                   { "properties": { "b": { "type": "integer" } }, "required": ["b"] } ] }
          },
          "required": ["city", "unit", "days", "even", "ratio", "step", "when", "day", "id", "mail", "flag", "note", "kind",
                       "choice", "tags", "point", "tree", "extras", "merged"],
          "additionalProperties": false,
          "$defs": {
            "node": {
              "type": "object",
              "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/$defs/node" } } },
              "required": ["name", "children"],
              "additionalProperties": false
            }
          }
        }
        """;

    [Fact]
    public void Generate_RichSchemaManySeeds_EveryValueValid()
    {
        using var schema = JsonDocument.Parse(RichSchema);
        for (ulong seed = 1; seed <= 300; seed++)
        {
            var json = JsonSchemaValueGenerator.Generate(schema.RootElement, seed * 0x9E3779B1UL);
            JsonSchemaCheck.AssertValid(schema.RootElement, json);
        }
    }

    [Fact]
    public void Generate_SameSeed_SameValueAndOtherSeedsVary()
    {
        using var schema = JsonDocument.Parse(RichSchema);

        var first = JsonSchemaValueGenerator.Generate(schema.RootElement, 42);
        var again = JsonSchemaValueGenerator.Generate(schema.RootElement, 42);
        var others = Enumerable.Range(1, 20).Select(s => JsonSchemaValueGenerator.Generate(schema.RootElement, (ulong)s)).ToHashSet();

        Assert.Equal(first, again);
        Assert.True(others.Count > 15, $"only {others.Count} distinct values in 20 seeds");
    }

    [Fact]
    public void Generate_OptionalProperties_SometimesPresentRequiredAlways()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"must":{"type":"string"},"may":{"type":"integer"}},"required":["must"]}""");

        var values = Enumerable.Range(0, 50).Select(s => JsonDocument.Parse(JsonSchemaValueGenerator.Generate(schema.RootElement, (ulong)s)).RootElement).ToList();

        Assert.All(values, v => Assert.Equal(JsonValueKind.String, v.GetProperty("must").ValueKind));
        Assert.Contains(values, v => v.TryGetProperty("may", out _));
        Assert.Contains(values, v => !v.TryGetProperty("may", out _));
    }

    [Fact]
    public void Generate_SelfReferencingSchema_EndsAndStaysValid()
    {
        // A linked list through the document root: only the depth limit stops it.
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"value":{"type":"integer"},"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}},"required":["value","next"]}""");

        for (ulong seed = 0; seed < 50; seed++)
        {
            JsonSchemaCheck.AssertValid(schema.RootElement, JsonSchemaValueGenerator.Generate(schema.RootElement, seed));
        }
    }

    [Theory]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""{"type":"integer","exclusiveMinimum":5,"exclusiveMaximum":7}""")]
    [InlineData("""{"type":"number","minimum":-3.5,"maximum":-3.25}""")]
    [InlineData("""{"type":"array","items":{"type":"boolean"},"minItems":4}""")]
    [InlineData("""{"enum":[1,"two",null]}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","properties":{"c":{"type":"array","items":{"type":"object","properties":{"d":{"type":"string"}},"required":["d"]}}},"required":["c"]}},"required":["b"]}},"required":["a"]}""")]
    public void Generate_SmallSchemas_Valid(string schemaJson)
    {
        using var schema = JsonDocument.Parse(schemaJson);
        for (ulong seed = 0; seed < 30; seed++)
        {
            JsonSchemaCheck.AssertValid(schema.RootElement, JsonSchemaValueGenerator.Generate(schema.RootElement, seed));
        }
    }
}
