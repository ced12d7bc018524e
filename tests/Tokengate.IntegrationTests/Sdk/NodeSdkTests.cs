using System.Diagnostics;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Sdk;

/// <summary>The <c>openai</c> npm package (<c>AzureOpenAI</c> and <c>OpenAI</c>), unchanged, through the gateway.</summary>
public sealed class NodeSdkTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAINpmClients_ChatStreamingAndEmbeddings_Succeed()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-client.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, _up.Endpoint.ToString(), _up.Key, UpEnvironment.ChatDeployment, UpEnvironment.EmbeddingsDeployment },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        using var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

        using var result = JsonDocument.Parse(await stdout);
        foreach (var name in new[] { "azureChat", "openaiChat" })
        {
            var chat = result.RootElement.GetProperty(name);
            Assert.False(string.IsNullOrWhiteSpace(chat.GetProperty("content").GetString()));
            Assert.True(chat.GetProperty("usage").GetProperty("completion_tokens").GetInt32() is > 0 and <= 16);
        }
        foreach (var name in new[] { "azureStream", "openaiStream" })
        {
            var stream = result.RootElement.GetProperty(name);
            Assert.False(string.IsNullOrWhiteSpace(stream.GetProperty("content").GetString()));
            Assert.True(stream.GetProperty("chunks").GetInt32() > 2);
            Assert.True(stream.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
        }
        foreach (var name in new[] { "azureEmbeddings", "openaiEmbeddings" })
        {
            var embeddings = result.RootElement.GetProperty(name);
            Assert.Equal(2, embeddings.GetProperty("count").GetInt32());
            Assert.Equal(1536, embeddings.GetProperty("dimensions").GetInt32());
        }
    }
}
