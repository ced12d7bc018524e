using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate usage</c> run as a process on a data folder whose ledger a gateway wrote.</summary>
public sealed class UsageCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);
    private LimitsHarness _h = null!;
    private (long Records, long Prompt, long Completion, long CostNanoUsd) _ledger;

    public async Task InitializeAsync()
    {
        _h = await LimitsHarness.StartAsync([]);
        for (var i = 0; i < 3; i++)
        {
            using var response = await _h.ChatAsync(LimitsHarness.ChatBody($"Question {i} about clouds.", maxTokens: 20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await _h.StopGatewayAsync();   // drains the ledger
        _ledger = await LimitsHarness.ReadLedgerAsync(_h.Data);
        Assert.Equal(3, _ledger.Records);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<TokengateProcess> RunAsync(params string[] args)
    {
        var process = TokengateProcess.Start(_h.Data.FullName, ["usage", .. args]);
        await process.WaitForExitAsync(ExitDeadline);
        return process;
    }

    [Theory]
    [InlineData("consumer", "app")]
    [InlineData("group", "team")]
    [InlineData("deployment", LimitsHarness.Deployment)]
    [InlineData("model", "gpt-4o")]
    [InlineData("backend", "sim")]
    [InlineData("operation", "chat.completions")]
    public async Task Json_ByEachGrouping_OneRowWithTheLedgerTotals(string by, string key)
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--by", by, "--period", "day", "--format", "json");

        Assert.True(process.ExitCode == 0, process.StandardError);
        using var doc = JsonDocument.Parse(process.StandardOutput);
        var row = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(key, row.GetProperty(by).GetString());
        Assert.Equal("2026-11-25", row.GetProperty("period").GetString());
        Assert.Equal(3, row.GetProperty("requests").GetInt64());
        Assert.Equal(_ledger.Prompt, row.GetProperty("promptTokens").GetInt64());
        Assert.Equal(_ledger.Completion, row.GetProperty("completionTokens").GetInt64());
        Assert.Equal(_ledger.CostNanoUsd / 1_000_000_000m, row.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task Json_ByModality_TextRowHoldsTheChatTokens_AudioAndImageRowsAreEmpty()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--by", "modality", "--format", "json");

        Assert.True(process.ExitCode == 0, process.StandardError);
        using var doc = JsonDocument.Parse(process.StandardOutput);
        var rows = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("modality").GetString()!);
        Assert.Equal(["text", "audio", "image"], rows.Keys);
        Assert.Equal((3L, _ledger.Prompt, _ledger.Completion), (rows["text"].GetProperty("requests").GetInt64(), rows["text"].GetProperty("promptTokens").GetInt64(), rows["text"].GetProperty("completionTokens").GetInt64()));
        Assert.All(new[] { rows["audio"], rows["image"] }, r => Assert.Equal(0, r.GetProperty("requests").GetInt64() + r.GetProperty("totalTokens").GetInt64()));
    }

    [Fact]
    public async Task Csv_HeaderAndOneRow()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--by", "model", "--format", "csv");

        Assert.True(process.ExitCode == 0, process.StandardError);
        var lines = process.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["model,period,requests,prompt_tokens,cached_tokens,completion_tokens,total_tokens,cost_usd",
            $"gpt-4o,all,3,{_ledger.Prompt},0,{_ledger.Completion},{_ledger.Prompt + _ledger.Completion},{_ledger.CostNanoUsd / 1_000_000_000m:0.000000}"], lines);
    }

    [Fact]
    public async Task Table_DefaultFormat_AlignedColumns()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--consumer", "app");

        Assert.True(process.ExitCode == 0, process.StandardError);
        var lines = process.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^consumer\s+period\s+requests\s+prompt_tokens\s+cached_tokens\s+completion_tokens\s+total_tokens\s+cost_usd$", lines[0]);
        Assert.Matches($@"^app\s+all\s+3\s+{_ledger.Prompt}\s+0\s+{_ledger.Completion}\s+{_ledger.Prompt + _ledger.Completion}\s+\d+\.\d{{6}}$", lines[1]);
    }

    [Fact]
    public async Task Filter_NoMatchingUsage_EmptyJsonArray()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--consumer", "nobody", "--format", "json");

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("[]", process.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("--format", "xml", "xml")]
    [InlineData("--by", "colour", "colour")]
    [InlineData("--period", "week", "week")]
    [InlineData("--since", "yesterday-ish", "yesterday-ish")]
    [InlineData("--bogus", "1", "--bogus")]
    public async Task BadArgument_NonZeroExit_AndAMessageNamingIt(string option, string value, string named)
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, option, value);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(named, process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.StandardError, StringComparison.Ordinal);   // no stack trace
    }

    [Fact]
    public async Task DataFolderWithoutDatabase_ExitCode2_AndSaysSo()
    {
        var empty = Directory.CreateTempSubdirectory("tokengate-usage-empty-");
        try
        {
            await using var process = await RunAsync("--data", empty.FullName);

            Assert.Equal(2, process.ExitCode);
            Assert.Contains($"No Tokengate database in {empty.FullName}", process.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Csv_FiltersOrderAndLimit_Rfc4180()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--by", "consumer", "--priority", "normal", "--backend", "sim",
            "--pool", LimitsHarness.Deployment, "--modality", "text", "--order", "cost", "--limit", "1", "--csv");

        Assert.True(process.ExitCode == 0, process.StandardError);
        // The process harness reads stdout line by line: put the record ends back before parsing.
        var rows = CsvReader.Parse(string.Concat(process.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r') + "\r\n")));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["consumer", "period", "requests"], rows[0][..3]);
        Assert.Equal(["app", "all", "3"], rows[1][..3]);
    }

    [Fact]
    public async Task Json_FilterMatchesNothing_EmptyArray()
    {
        await using var process = await RunAsync("--data", _h.Data.FullName, "--modality", "embeddings", "--format", "json");

        Assert.True(process.ExitCode == 0, process.StandardError);
        Assert.Equal("[]", process.StandardOutput.Trim());
    }
}
