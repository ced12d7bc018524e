using System.Text;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

public sealed class ClientSecretRequestTests
{
    [Fact]
    public void TryReadSessionModel_ModelAndItsPlaceInTheBody()
    {
        var body = """{"expires_after":{"anchor":"created_at","seconds":600},"session":{"type":"realtime","model":"realtime","instructions":"x"}}""";
        var parsed = new ParsedRequest();

        Assert.True(ClientSecretRequest.TryReadSessionModel(Encoding.UTF8.GetBytes(body), ref parsed));

        Assert.Equal("realtime", parsed.Model);
        Assert.Equal("\"realtime\"", body.Substring(parsed.ModelTokenStart, parsed.ModelTokenLength));
        Assert.Equal(body.IndexOf("\"realtime\",\"instructions\"", StringComparison.Ordinal), parsed.ModelTokenStart);
    }

    [Theory]
    [InlineData("""{"session":{"type":"realtime"}}""")]
    [InlineData("""{"model":"realtime"}""")]
    [InlineData("""{"session":{"model":""}}""")]
    [InlineData("""{"session":null}""")]
    public void TryReadSessionModel_NoSessionModel_False(string body)
    {
        var parsed = new ParsedRequest();

        Assert.False(ClientSecretRequest.TryReadSessionModel(Encoding.UTF8.GetBytes(body), ref parsed));
    }
}
