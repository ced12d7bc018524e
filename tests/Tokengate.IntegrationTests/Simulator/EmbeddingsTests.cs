using System.Buffers.Binary;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class EmbeddingsTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Theory]
    [InlineData("embed", "text-embedding-3-small", 1536)]
    [InlineData("embed-large", "text-embedding-3-large", 3072)]
    [InlineData("ada", "text-embedding-ada-002", 1536)]
    public async Task Post_Float_DefaultDimensionsUnitVectorAndUsage(string deployment, string model, int dimensions)
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.EmbeddingsPath(deployment), """{"input":"The food was delicious","encoding_format":"float"}""");

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(model, body.GetProperty("model").GetString());
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        var vector = item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(dimensions, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
        var tokens = ReferenceTokenCounter.Cl100kBase.CountTokens("The food was delicious");
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Base64_DecodesToTheFloatVector()
    {
        var floats = await _sim.PostOkAsync(SimulatorHarness.EmbeddingsPath("embed"), """{"input":["alpha","beta"],"dimensions":256}""");
        var base64 = await _sim.PostOkAsync(SimulatorHarness.EmbeddingsPath("embed"), """{"input":["alpha","beta"],"dimensions":256,"encoding_format":"base64"}""");

        for (var i = 0; i < 2; i++)
        {
            var expected = floats.GetProperty("data")[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var bytes = Convert.FromBase64String(base64.GetProperty("data")[i].GetProperty("embedding").GetString()!);
            Assert.Equal(256 * 4, bytes.Length);
            var decoded = Enumerable.Range(0, 256).Select(d => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(d * 4))).ToArray();
            Assert.Equal(expected, decoded);
        }

        Assert.NotEqual(floats.GetProperty("data")[0].GetProperty("embedding")[0].GetSingle(), floats.GetProperty("data")[1].GetProperty("embedding")[0].GetSingle());
    }

    [Fact]
    public async Task Post_TokenArrays_CountsTokensAsGiven()
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.EmbeddingsPath("embed"), """{"input":[[1,2,3],[4,5]]}""");

        Assert.Equal(2, body.GetProperty("data").GetArrayLength());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_DimensionsOnAda_Returns400()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.EmbeddingsPath("ada"), """{"input":"x","dimensions":256}""");
        var body = await SimulatorHarness.ReadJsonAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("dimensions", body.GetProperty("error").GetProperty("param").GetString());
    }
}
