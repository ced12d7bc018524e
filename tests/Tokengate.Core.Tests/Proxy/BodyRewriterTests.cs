using System.Text;
using System.Text.Json;
using Tokengate.OpenAI;

namespace Tokengate.Proxy;

public class BodyRewriterTests
{
    private static byte[] Rewrite(string body, string newModel)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.True(RequestBodyParser.TryParse(bytes, out var parsed, out var error), error);
        var model = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(newModel));
        return BodyRewriter.WithModel(bytes, parsed, model);
    }

    private static string ModelOf(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.GetProperty("model").GetString()!;
    }

    [Fact]
    public void WithModel_BodyHasModel_ReplacesOnlyTheModelToken()
    {
        const string Before = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"h\\u00e9\"} ],\n  \"model\":";
        const string After = " ,\"stream\":true }\n";
        var body = Before + "\"gpt-4o\"" + After;

        var result = Encoding.UTF8.GetString(Rewrite(body, "deployment-eastus"));

        Assert.Equal(Before + "\"deployment-eastus\"" + After, result);
    }

    [Fact]
    public void WithModel_ShorterReplacement_KeepsEveryOtherByte()
    {
        var result = Encoding.UTF8.GetString(Rewrite("{\"model\":\"a-very-long-model-name\",\"n\":1}", "x"));

        Assert.Equal("{\"model\":\"x\",\"n\":1}", result);
    }

    [Fact]
    public void WithModel_ReplacementNeedsEscaping_ValidJsonWithNewModel()
    {
        var result = Rewrite("{\"model\":\"m\",\"n\":1}", "we\"ird/näme");

        Assert.Equal("we\"ird/näme", ModelOf(result));
    }

    [Fact]
    public void WithModel_NoModelWithOtherMembers_InsertedAsValidJson()
    {
        var result = Rewrite("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5}", "gpt-4o-mini");

        Assert.Equal("gpt-4o-mini", ModelOf(result));
        using var document = JsonDocument.Parse(result);
        Assert.Equal(5, document.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal("hi", document.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{ }")]
    [InlineData("  {\r\n}\n")]
    public void WithModel_EmptyObject_InsertedAsValidJson(string body)
    {
        var result = Rewrite(body, "gpt-4o");

        Assert.Equal("gpt-4o", ModelOf(result));
        using var document = JsonDocument.Parse(result);
        Assert.Single(document.RootElement.EnumerateObject());
    }

    [Fact]
    public void WithModel_LeadingWhitespaceAndOneMember_InsertedAsValidJson()
    {
        var result = Rewrite("\n  { \"n\" : 2 }", "m1");

        Assert.Equal("m1", ModelOf(result));
        using var document = JsonDocument.Parse(result);
        Assert.Equal(2, document.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public void WithModel_InsertedBody_ParsesBackWithModelRange()
    {
        var result = Rewrite("{\"n\":2}", "dep");

        Assert.True(RequestBodyParser.TryParse(result, out var parsed, out _));
        Assert.Equal("dep", parsed.Model);
        Assert.Equal(2, parsed.N);
        Assert.Equal("\"dep\"", Encoding.UTF8.GetString(result.AsSpan(parsed.ModelTokenStart, parsed.ModelTokenLength)));
    }

    [Fact]
    public void WithModel_NonStringModel_ReplacedNotDuplicated()
    {
        foreach (var body in new[] { "{\"model\":null,\"n\":1}", "{\"model\":5}", "{\"model\":{\"x\":1}}" })
        {
            var result = Rewrite(body, "dep");

            using var document = JsonDocument.Parse(result);
            var models = document.RootElement.EnumerateObject().Where(p => p.NameEquals("model")).ToList();
            var model = Assert.Single(models);
            Assert.Equal("dep", model.Value.GetString());
        }
    }
}
