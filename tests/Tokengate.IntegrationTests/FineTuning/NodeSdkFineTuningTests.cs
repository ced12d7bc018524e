using System.Diagnostics;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>The openai npm client's fine-tuning calls (OpenAI and AzureOpenAI clients) through <c>tokengate up</c>, unchanged.</summary>
public sealed class NodeSdkFineTuningTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAINpmClient_CreateRetrieveEventsList_FinishedJobNotCancellable_ThroughUp()
    {
        var jsonl = Path.Combine(_up.DataDirectory, "..", $"train-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(jsonl, FineTuningHarness.TrainingJsonl());
        try
        {
            var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-finetuning.mjs");
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
            foreach (var arg in new[] { script, _up.Endpoint.ToString(), _up.Key, jsonl, UpEnvironment.ChatDeployment }) start.ArgumentList.Add(arg);
            using var node = Process.Start(start)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

            using var result = JsonDocument.Parse(await stdout);
            foreach (var client in new[] { "openai", "azure" })
            {
                var run = result.RootElement.GetProperty(client);
                Assert.StartsWith("ftjob-", run.GetProperty("id").GetString(), StringComparison.Ordinal);
                Assert.Equal(UpEnvironment.ChatDeployment, run.GetProperty("model").GetString());
                Assert.Equal(run.GetProperty("fileId").GetString(), run.GetProperty("trainingFile").GetString());
                Assert.True(run.GetProperty("events").GetInt32() >= 1);
                Assert.True(run.GetProperty("listed").GetBoolean());
                Assert.Equal("succeeded", run.GetProperty("status").GetString());
                Assert.False(string.IsNullOrEmpty(run.GetProperty("fineTunedModel").GetString()));
                Assert.Equal(400, run.GetProperty("cancelled").GetInt32());
            }
            // Each job's file went to the resource its job runs on (which also holds the job's results file), never elsewhere.
            var resources = _up.Environment.Backends.Select(b => b.Server.Control.GetResourceStats()).ToList();
            Assert.Equal(2, resources.Sum(r => r.FineTuningJobs));
            Assert.All(resources.Where(r => r.FineTuningJobs == 0), r => Assert.Equal(0, r.Files));
        }
        finally
        {
            File.Delete(jsonl);
        }
    }
}
