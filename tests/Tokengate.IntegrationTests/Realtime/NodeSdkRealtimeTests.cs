using System.Diagnostics;
using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>
/// The <c>openai</c> npm package's realtime WebSocket client (<c>OpenAIRealtimeWS</c> from <c>openai/realtime/ws</c>,
/// over the <c>ws</c> package), unchanged, through <c>tokengate up</c>: the <c>OpenAI</c> client on <c>/openai/v1</c>
/// and the <c>AzureOpenAI</c> client with a deployment, a text and an audio turn each. The SDK connects over
/// <c>wss:</c> only, so it uses up's TLS address and trusts up's development certificate.
/// </summary>
public sealed class NodeSdkRealtimeTests : IAsyncLifetime
{
    private const string Deployment = "gpt-realtime";
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync(tls: true);

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAIRealtimeWS_OpenAIAndAzureClients_TextAndAudioTurns_EachResponseMetered()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-realtime.mjs");
        var tls = _up.Environment.TlsEndpoint!;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, tls.ToString(), _up.Key, Deployment, _up.Environment.CertificatePem },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        using var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

        using var result = JsonDocument.Parse(await stdout);
        string[] turns = ["openaiText", "openaiAudio", "azureText", "azureAudio"];
        foreach (var name in turns)
        {
            var turn = result.RootElement.GetProperty(name);
            Assert.Equal("gpt-realtime-2025-08-28", turn.GetProperty("model").GetString());
            Assert.Empty(turn.GetProperty("errors").EnumerateArray());
            Assert.Equal(1000, turn.GetProperty("closeCode").GetInt32());
            var types = turn.GetProperty("types").EnumerateArray().Select(t => t.GetString()!).ToList();
            Assert.Equal("session.created", types[0]);
            Assert.True(types.IndexOf("response.created") < types.IndexOf("response.done"), string.Join(",", types));
            if (name.EndsWith("Text", StringComparison.Ordinal))
            {
                Assert.False(string.IsNullOrWhiteSpace(turn.GetProperty("text").GetString()));
            }
            else
            {
                Assert.True(turn.GetProperty("audioBytes").GetInt32() > 0);
                Assert.False(string.IsNullOrWhiteSpace(turn.GetProperty("transcript").GetString()));
                Assert.True(turn.GetProperty("usage").GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32() > 0);
            }
        }

        // One row per response, in the order the script ran them, priced by up's built-in gpt-realtime prices.
        var rows = await LedgerAsync(turns.Length);
        var price = PriceTable.For(Deployment, "gpt-realtime-2025-08-28", new AccountingOptions());
        for (var i = 0; i < turns.Length; i++)
        {
            var usage = result.RootElement.GetProperty(turns[i]).GetProperty("usage");
            var row = rows[i];
            Assert.Equal(("dev", "gpt-realtime-2025-08-28", 200, "Reported"), (row.Consumer, row.Model, row.Status, row.Source));
            Assert.Equal((usage.GetProperty("input_tokens").GetInt64(), usage.GetProperty("output_tokens").GetInt64()), (row.Prompt, row.Completion));
            var audioIn = usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt64();
            var audioOut = usage.GetProperty("output_token_details").GetProperty("audio_tokens").GetInt64();
            Assert.Equal((audioIn, audioOut), (row.AudioIn, row.AudioOut));
            var expected = price.Cost(new UsageCounts(row.Prompt, row.Cached, row.Completion, UsageSource.Reported)
            {
                Media = new MediaUsage { AudioInputTokens = audioIn, AudioOutputTokens = audioOut },
            });
            Assert.Equal(UsageTime.ToNanoUsd(expected), row.CostNanoUsd);
        }
    }

    private async Task<List<LedgerRow>> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var rows = await RealtimeHarness.ReadLedgerAsync(_up.DataDirectory);
            if (rows.Count >= count) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"{rows.Count} realtime ledger rows, expected {count}");
            await Task.Delay(25);
        }
    }
}
