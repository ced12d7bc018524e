using System.Text;

namespace Tokengate.OpenAI;

public class RequestBodyParserTests
{
    private static ParsedRequest Parse(string json)
    {
        var ok = RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error);
        Assert.True(ok, error);
        Assert.Null(error);
        return request;
    }

    private static string Reject(string json)
    {
        var ok = RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error);
        Assert.False(ok);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error;
    }

    [Fact]
    public void TryParse_ServiceTier_ValueAndMemberRangesRead()
    {
        const string json = "{\"messages\":[], \"service_tier\" : \"flex\"}";
        var request = Parse(json);

        Assert.Equal("flex", request.ServiceTier);
        Assert.Equal(json.IndexOf("\"service_tier\"", StringComparison.Ordinal), request.ServiceTierMemberStart);
        Assert.Equal("\"flex\"", json.Substring(request.ServiceTierStart, request.ServiceTierLength));
    }

    [Theory]
    [InlineData("{\"service_tier\":1}")]
    [InlineData("{\"service_tier\":[\"priority\"]}")]
    [InlineData("{\"service_tier\":true}")]
    public void TryParse_NonStringServiceTier_Rejected(string json)
    {
        Assert.Equal("Invalid type for 'service_tier': expected a string.", Reject(json));
    }

    [Fact]
    public void TryParse_Model_ReadWithExactByteRange()
    {
        var body = Encoding.UTF8.GetBytes("{ \"messages\": [], \"model\" :  \"gpt-4o\" , \"n\": 2 }");

        Assert.True(RequestBodyParser.TryParse(body, out var request, out _));

        Assert.Equal("gpt-4o", request.Model);
        var token = Encoding.UTF8.GetString(body.AsSpan(request.ModelTokenStart, request.ModelTokenLength));
        Assert.Equal("\"gpt-4o\"", token);
    }

    [Fact]
    public void TryParse_ModelWithEscapes_UnescapedValueAndRawTokenRange()
    {
        var body = Encoding.UTF8.GetBytes("{\"model\":\"gpt\\u002d4o \\\"x\\\"\"}");

        Assert.True(RequestBodyParser.TryParse(body, out var request, out _));

        Assert.Equal("gpt-4o \"x\"", request.Model);
        var token = Encoding.UTF8.GetString(body.AsSpan(request.ModelTokenStart, request.ModelTokenLength));
        Assert.Equal("\"gpt\\u002d4o \\\"x\\\"\"", token);
    }

    [Fact]
    public void TryParse_NonAsciiBeforeModel_ByteRangeStillExact()
    {
        var body = Encoding.UTF8.GetBytes("{\"user\":\"Zoë – ☃\",\"model\":\"m\"}");

        Assert.True(RequestBodyParser.TryParse(body, out var request, out _));

        Assert.Equal("\"m\"", Encoding.UTF8.GetString(body.AsSpan(request.ModelTokenStart, request.ModelTokenLength)));
    }

    [Fact]
    public void TryParse_NoModel_NullModelAndEmptyRange()
    {
        var request = Parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        Assert.Null(request.Model);
        Assert.Equal(0, request.ModelTokenLength);
    }

    [Fact]
    public void TryParse_ModelNotAString_NoModelButTheValueRangeIsKept()
    {
        const string body = "{\"model\":{\"name\":\"x\"},\"n\":3}";
        var request = Parse(body);

        Assert.Null(request.Model);
        Assert.Equal("{\"name\":\"x\"}", body.Substring(request.ModelTokenStart, request.ModelTokenLength));
        Assert.Equal(3, request.N);
    }

    [Fact]
    public void TryParse_NestedModel_NotTakenAsTopLevel()
    {
        var request = Parse("{\"metadata\":{\"model\":\"inner\"},\"messages\":[{\"model\":\"x\"}]}");

        Assert.Null(request.Model);
    }

    [Fact]
    public void TryParse_Minimal_Defaults()
    {
        var request = Parse("{}");

        Assert.Null(request.Model);
        Assert.False(request.Stream);
        Assert.False(request.IncludeUsage);
        Assert.Null(request.MaxTokens);
        Assert.Null(request.MaxCompletionTokens);
        Assert.Equal(1, request.N);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    public void TryParse_Stream_OnlyJsonTrueStreams(string value, bool expected)
    {
        Assert.Equal(expected, Parse($"{{\"stream\":{value}}}").Stream);
    }

    [Fact]
    public void TryParse_StreamOptionsIncludeUsage_Read()
    {
        var request = Parse("{\"stream\":true,\"stream_options\":{\"other\":[1,{\"x\":2}],\"include_usage\":true}}");

        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Theory]
    [InlineData("{\"stream_options\":{\"include_usage\":false}}")]
    [InlineData("{\"stream_options\":{}}")]
    [InlineData("{\"stream_options\":null}")]
    [InlineData("{\"stream_options\":{\"include_usage\":null}}")]
    public void TryParse_StreamOptionsWithoutTrueIncludeUsage_False(string json)
    {
        Assert.False(Parse(json).IncludeUsage);
    }

    [Fact]
    public void TryParse_StreamOptionsFollowedByFields_FieldsStillRead()
    {
        var request = Parse("{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"max_tokens\":9}");

        Assert.True(request.IncludeUsage);
        Assert.Equal("m", request.Model);
        Assert.Equal(9, request.MaxTokens);
    }

    [Fact]
    public void TryParse_TokenLimitsAndN_Read()
    {
        var request = Parse("{\"max_tokens\":100,\"max_completion_tokens\":200,\"n\":4}");

        Assert.Equal(100, request.MaxTokens);
        Assert.Equal(200, request.MaxCompletionTokens);
        Assert.Equal(4, request.N);
    }

    [Fact]
    public void TryParse_NullTokenLimitsAndN_TreatedAsAbsent()
    {
        var request = Parse("{\"max_tokens\":null,\"max_completion_tokens\":null,\"n\":null}");

        Assert.Null(request.MaxTokens);
        Assert.Null(request.MaxCompletionTokens);
        Assert.Equal(1, request.N);
    }

    [Fact]
    public void TryParse_UnknownFieldsOfEveryShape_Ignored()
    {
        var request = Parse(
            "{\"a\":1,\"b\":-2.5e3,\"c\":\"s\",\"d\":true,\"e\":false,\"f\":null,\"g\":[],\"h\":[1,[2,{\"model\":\"no\"}]]," +
            "\"i\":{},\"j\":{\"k\":{\"l\":[{}]}},\"model\":\"yes\",\"z\":{\"stream\":true}}");

        Assert.Equal("yes", request.Model);
        Assert.False(request.Stream);
        Assert.Equal(1, request.N);
    }

    [Fact]
    public void TryParse_SurroundingWhitespace_Accepted()
    {
        Assert.Equal("m", Parse(" \r\n\t{\"model\":\"m\"} \n").Model);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"model\":}")]
    [InlineData("{\"model\":\"m\",}")]
    [InlineData("{'model':'m'}")]
    [InlineData("{\"a\":[1,2}")]
    [InlineData("{\"a\":1 /* comment */}")]
    [InlineData("{\"messages\":[{\"content\":\"x\"]}")]
    public void TryParse_MalformedJson_RejectedWithMessage(string json)
    {
        Assert.Contains("JSON", Reject(json), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"model\":\"m\"}]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void TryParse_NotAnObject_RejectedWithMessage(string json)
    {
        Assert.Equal("The request body must be a JSON object.", Reject(json));
    }

    [Theory]
    [InlineData("{\"model\":\"m\"} x")]
    [InlineData("{\"model\":\"m\"}}")]
    [InlineData("{\"model\":\"m\"},")]
    public void TryParse_TrailingGarbage_RejectedWithMessage(string json)
    {
        Assert.Contains("JSON", Reject(json), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"model\":\"m\"}{\"model\":\"n\"}")]
    [InlineData("{} {}")]
    public void TryParse_TwoObjects_RejectedWithMessage(string json)
    {
        Assert.Contains("JSON", Reject(json), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_tokens", "-1")]
    [InlineData("max_tokens", "1.5")]
    [InlineData("max_tokens", "10.0")]
    [InlineData("max_tokens", "1e3")]
    [InlineData("max_tokens", "\"100\"")]
    [InlineData("max_tokens", "true")]
    [InlineData("max_tokens", "[100]")]
    [InlineData("max_tokens", "99999999999")]
    [InlineData("max_completion_tokens", "-5")]
    [InlineData("max_completion_tokens", "2.5")]
    [InlineData("max_tokens", "0")]
    [InlineData("max_tokens", "2147483648")]
    [InlineData("max_completion_tokens", "9223372036854775808")]
    public void TryParse_InvalidIntegerField_RejectedNamingTheField(string field, string value)
    {
        var error = Reject($"{{\"model\":\"m\",\"{field}\":{value}}}");

        Assert.Equal($"Invalid value for '{field}': expected an integer from 1 to 2147483647.", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("129")]
    [InlineData("4294967297")]
    public void TryParse_ChoicesOutsideTheApiRange_Rejected(string value)
    {
        var error = Reject($"{{\"model\":\"m\",\"n\":{value}}}");

        Assert.Equal("Invalid value for 'n': expected an integer from 1 to 128.", error);
    }

    [Theory]
    [InlineData("{\"stream\":\"true\"}", "stream", "a boolean")]
    [InlineData("{\"stream\":1}", "stream", "a boolean")]
    [InlineData("{\"stream_options\":[true]}", "stream_options", "an object")]
    [InlineData("{\"stream_options\":{\"include_usage\":\"yes\"}}", "stream_options.include_usage", "a boolean")]
    [InlineData("{\"messages\":\"hi\"}", "messages", "an array")]
    [InlineData("{\"messages\":{}}", "messages", "an array")]
    [InlineData("{\"prompt\":5}", "prompt", "a string or an array")]
    [InlineData("{\"input\":{\"a\":1}}", "input", "a string or an array")]
    [InlineData("{\"tools\":{}}", "tools", "an array")]
    [InlineData("{\"functions\":\"f\"}", "functions", "an array")]
    public void TryParse_FieldOfTheWrongType_RejectedNamingTheField(string json, string field, string expected)
    {
        Assert.Equal($"Invalid type for '{field}': expected {expected}.", Reject(json));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]              // never valid in UTF-8
    [InlineData(new byte[] { 0xC3 })]              // a lead byte without its continuation
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]  // an encoded UTF-16 surrogate
    [InlineData(new byte[] { 0xC0, 0xAF })]        // an overlong encoding of '/'
    public void TryParse_InvalidUtf8InsideAString_Rejected(byte[] bad)
    {
        var body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a"u8.ToArray()
            .Concat(bad).Concat("b\"}]}"u8.ToArray()).ToArray();

        Assert.False(RequestBodyParser.TryParse(body, out _, out var error));
        Assert.Equal("The request body is not valid UTF-8. Encode the JSON payload as UTF-8.", error);
    }

    [Fact]
    public void TryParse_MultiByteUtf8_Accepted()
    {
        Assert.True(RequestBodyParser.TryParse("{\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}]}"u8, out _, out _));
        Assert.True(RequestBodyParser.TryParse("{\"messages\":[{\"role\":\"user\",\"content\":\"héllo 世界 😀\"}]}"u8, out _, out _));
    }
}
