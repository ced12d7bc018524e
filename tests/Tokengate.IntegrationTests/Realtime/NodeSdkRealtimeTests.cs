using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>
/// The <c>openai</c> npm package's realtime WebSocket client (<c>OpenAIRealtimeWS</c> from <c>openai/realtime/ws</c>,
/// over the <c>ws</c> package), unchanged, through the gateway: the <c>OpenAI</c> client on <c>/openai/v1</c> and the
/// <c>AzureOpenAI</c> client with a deployment, a text and an audio turn each. The SDK connects over <c>wss:</c> only,
/// so the gateway serves TLS here.
/// </summary>
public sealed class NodeSdkRealtimeTests : IAsyncLifetime
{
    private readonly X509Certificate2 _certificate = TestCertificates.Loopback();
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"tokengate-ca-{Guid.NewGuid():N}.pem");
    private RealtimeHarness _h = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_caFile, _certificate.ExportCertificatePem());
        _h = await RealtimeHarness.StartAsync(certificate: _certificate);
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        File.Delete(_caFile);
        _certificate.Dispose();
    }

    [Fact]
    public async Task OpenAIRealtimeWS_OpenAIAndAzureClients_TextAndAudioTurns_EachResponseMetered()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-realtime.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, _h.Endpoint.ToString(), RealtimeHarness.AliceKey, RealtimeHarness.Pool, _caFile },
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
            Assert.Equal(RealtimeHarness.Model, turn.GetProperty("model").GetString());
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

        // One row per response, in the order the script ran them.
        var rows = await _h.LedgerAsync(turns.Length);
        Assert.Equal(turns.Length, rows.Count);
        for (var i = 0; i < turns.Length; i++)
            RealtimeGatewayTests.AssertRow(rows[i], result.RootElement.GetProperty(turns[i]).GetProperty("usage"), "alice", "b0");
    }
}
