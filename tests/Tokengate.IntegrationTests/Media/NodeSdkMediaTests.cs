using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Media;

/// <summary>
/// The <c>openai</c> npm package's image and audio calls, unchanged, through <c>tokengate up</c>; then the ledger,
/// deployment by deployment, against what the simulated backends billed.
/// </summary>
public sealed class NodeSdkMediaTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private TestUp _up = null!;
    private string _files = null!;

    public async Task InitializeAsync()
    {
        _up = await TestUp.StartAsync();
        _files = Directory.CreateTempSubdirectory("tokengate-media-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _up.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task OpenAINpmClient_ImagesAudioAndSpeech_Succeed_AndTheLedgerEqualsWhatTheBackendsBilled()
    {
        var png = Path.Combine(_files, "input.png");
        var wav = Path.Combine(_files, "hello.wav");
        await File.WriteAllBytesAsync(png, Fixtures.Png());
        await File.WriteAllBytesAsync(wav, Fixtures.Wav(3.2));

        using var result = await RunAsync("sdk-media.mjs", _up.Endpoint.ToString(), _up.Key, png, wav, _files);
        var r = result.RootElement;

        foreach (var name in new[] { "openaiImage", "azureImage", "dalle" })
        {
            Assert.Equal(1, r.GetProperty(name).GetProperty("images").GetInt32());
            Assert.True(r.GetProperty(name).GetProperty("first").GetProperty("png").GetBoolean(), $"{name}: not a PNG");
        }
        Assert.True(r.GetProperty("openaiImage").GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("dalle").GetProperty("usage").ValueKind);  // dall-e-3 reports none
        var stream = r.GetProperty("imageStream");
        Assert.Equal(["image_generation.partial_image", "image_generation.partial_image", "image_generation.completed"],
            stream.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.True(stream.GetProperty("final").GetProperty("png").GetBoolean());
        foreach (var name in new[] { "openaiEdit", "azureEdit" })
            Assert.True(r.GetProperty(name).GetProperty("usage").GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32() > 0, name);

        foreach (var name in new[] { "whisperJson", "whisperText", "whisperVerbose", "transcribe", "transcribeStream" })
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty(name).GetProperty("text").GetString()), name);
        Assert.Equal(4, r.GetProperty("whisperJson").GetProperty("usage").GetProperty("seconds").GetDouble());  // 3.2 s, billed by the second
        Assert.Equal(r.GetProperty("transcribeStream").GetProperty("text").GetString(), r.GetProperty("transcribeStream").GetProperty("deltas").GetString());

        foreach (var name in new[] { "speech", "azureSpeech" })
        {
            var speech = r.GetProperty(name);
            Assert.Equal("audio/wav", speech.GetProperty("contentType").GetString());
            var (seconds, fromHeader) = Tokengate.Media.AudioDuration.Measure(await File.ReadAllBytesAsync(speech.GetProperty("file").GetString()!));
            Assert.True(fromHeader);
            Assert.Equal("The gateway relays speech as it is made.".Length / 15.0, seconds, 1);
        }
        Assert.Contains("speech.audio.done", r.GetProperty("speechEvents").GetProperty("types").EnumerateArray().Select(t => t.GetString()));

        // Every call is in the ledger, and each deployment's totals are what its simulated backends billed.
        await WaitForLedgerRowsAsync(14);
        foreach (var (deployment, model) in UpEnvironment.MediaDeployments.Where(d => d.Deployment != "gpt-realtime"))
        {
            var billed = Billed(deployment);
            var ledger = await LedgerAsync(deployment);
            Assert.True(ledger.Requests > 0, $"{deployment}: no ledger rows");
            Assert.Equal(billed, ledger with { Requests = 0, CostNanoUsd = 0 });
            var expected = PriceTable.For(deployment, model, new AccountingOptions()).Cost(billed.AsUsage(deployment == "dall-e-3" ? ("hd", "1024x1024") : default));
            Assert.InRange(ledger.CostNanoUsd, UsageTime.ToNanoUsd(expected) - ledger.Requests, UsageTime.ToNanoUsd(expected) + ledger.Requests);
        }
    }

    /// <summary>What the simulated backends billed for a deployment, summed over the three resources.</summary>
    private Totals Billed(string deployment)
    {
        var stats = _up.Environment.Backends.Select(b => b.Server.Control.GetStats(deployment)).ToList();
        return new Totals(0,
            stats.Sum(s => s.PromptTokens), stats.Sum(s => s.CompletionTokens),
            stats.Sum(s => s.InputAudioTokens), stats.Sum(s => s.InputImageTokens), stats.Sum(s => s.OutputAudioTokens), stats.Sum(s => s.OutputImageTokens),
            stats.Sum(s => s.Images), (long)Math.Round(stats.Sum(s => s.AudioSeconds) * 1000), stats.Sum(s => s.Characters), 0);
    }

    private async Task<Totals> LedgerAsync(string deployment)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_up.DataDirectory, "tokengate.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(audio_input_tokens), 0),
                   COALESCE(SUM(image_input_tokens), 0), COALESCE(SUM(audio_output_tokens), 0), COALESCE(SUM(image_output_tokens), 0),
                   COALESCE(SUM(images), 0), COALESCE(SUM(audio_ms), 0), COALESCE(SUM(characters), 0), COALESCE(SUM(cost_nanousd), 0)
            FROM usage_ledger WHERE deployment = @deployment AND status = 200
            """;
        command.Parameters.AddWithValue("@deployment", deployment);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Totals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10));
    }

    private async Task WaitForLedgerRowsAsync(int count)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_up.DataDirectory, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM usage_ledger WHERE operation LIKE 'images.%' OR operation LIKE 'audio.%'";
            var rows = (long)(await command.ExecuteScalarAsync())!;
            if (rows >= count) return;
            Assert.True(DateTime.UtcNow < deadline, $"the ledger has {rows} of {count} media rows");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonDocument> RunAsync(string scriptName, params string[] args)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", scriptName);
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Deadline);
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout);
    }

    /// <summary>A deployment's usage totals: tokens, tokens by modality, units, and (ledger only) rows and cost.</summary>
    private sealed record Totals(long Requests, long Prompt, long Completion, long AudioIn, long ImageIn, long AudioOut, long ImageOut,
        long Images, long AudioMs, long Characters, long CostNanoUsd)
    {
        public UsageCounts AsUsage((string Quality, string Size) image) => new(Prompt, 0, Completion, UsageSource.Reported)
        {
            Media = new MediaUsage
            {
                AudioInputTokens = AudioIn, ImageInputTokens = ImageIn, AudioOutputTokens = AudioOut, ImageOutputTokens = ImageOut,
                Images = (int)Images, ImageQuality = image.Quality, ImageSize = image.Size, AudioSeconds = AudioMs / 1000.0, Characters = Characters,
            },
        };
    }
}
