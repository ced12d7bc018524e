using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Batches;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// The openai npm client's batch calls (OpenAI and AzureOpenAI clients) through <c>tokengate up</c>, in azure mode: the
/// batch runs on up's Global Batch deployment with its lines rewritten to that deployment, unchanged for the client.
/// </summary>
public sealed class NodeSdkBatchesTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAINpmClient_AzureModeBatch_CreatePollOutput_LinesRewrittenToTheBatchDeployment_ThroughUp()
    {
        var jsonl = Path.Combine(_up.DataDirectory, "..", $"batch-{Guid.NewGuid():N}.jsonl");
        var text = new StringBuilder();
        for (var i = 0; i < 3; i++)
        {
            text.Append("{\"custom_id\":\"npm-").Append(i).Append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"")
                .Append(UpEnvironment.ChatDeployment).Append("\",\"messages\":[{\"role\":\"user\",\"content\":\"Say ").Append(i).Append("\"}],\"max_tokens\":16}}\n");
        }
        await File.WriteAllTextAsync(jsonl, text.ToString());
        try
        {
            var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-batches.mjs");
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
            foreach (var arg in new[] { script, _up.Endpoint.ToString(), _up.Key, jsonl }) start.ArgumentList.Add(arg);
            using var node = Process.Start(start)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

            using var result = JsonDocument.Parse(await stdout);
            var store = _up.Environment.Gateway.App.Services.GetRequiredService<BatchStore>();
            var batchResource = _up.Environment.Backends.Single(b => b.Spec.Batch);
            using var resource = new HttpClient { BaseAddress = batchResource.Server.Endpoint };
            resource.DefaultRequestHeaders.Add("api-key", Environment.GetEnvironmentVariable("TOKENGATE_UP_BACKEND_KEY"));
            foreach (var client in new[] { "openai", "azure" })
            {
                var run = result.RootElement.GetProperty(client);
                Assert.StartsWith("batch_", run.GetProperty("id").GetString(), StringComparison.Ordinal);
                Assert.Equal("completed", run.GetProperty("status").GetString());
                Assert.Equal(UpEnvironment.ChatDeployment, run.GetProperty("model").GetString());
                Assert.Equal(run.GetProperty("fileId").GetString(), run.GetProperty("inputFileId").GetString());
                Assert.StartsWith("file-", run.GetProperty("outputFileId").GetString(), StringComparison.Ordinal);
                Assert.Equal(3, run.GetProperty("completed").GetInt32());
                Assert.Equal(["npm-0", "npm-1", "npm-2"], run.GetProperty("customIds").EnumerateArray().Select(e => e.GetString()));
                Assert.All(run.GetProperty("statusCodes").EnumerateArray(), s => Assert.Equal(200, s.GetInt32()));
                Assert.True(run.GetProperty("usage").GetProperty("input_tokens").GetInt64() > 0);

                // The batch ran on the Global Batch deployment, whose copy of the input names it on every line.
                var stored = (await store.FindAsync(run.GetProperty("id").GetString()!, null, CancellationToken.None))!;
                Assert.Equal(BatchMode.Azure, stored.Mode);
                Assert.Equal($"{batchResource.Spec.Name}-{UpEnvironment.BatchDeployment}", stored.Backend);
                var input = await resource.GetStringAsync($"openai/v1/files/{stored.UpstreamFileId}/content");
                var models = input.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("body").GetProperty("model").GetString());
                Assert.Equal([UpEnvironment.BatchDeployment, UpEnvironment.BatchDeployment, UpEnvironment.BatchDeployment], models);
            }
            Assert.Equal(2, batchResource.Server.Control.GetResourceStats().Batches);
            Assert.All(_up.Environment.Backends.Where(b => !b.Spec.Batch), b => Assert.Equal(0, b.Server.Control.GetResourceStats().Batches));
        }
        finally
        {
            File.Delete(jsonl);
        }
    }
}
