using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Advice;

/// <summary><c>tokengate advise</c> run as a process on a data folder holding <see cref="AdviceLedger"/>'s three months.</summary>
public sealed class AdviseCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-advise-");
    private string _config = "";

    public async Task InitializeAsync()
    {
        var database = new SqliteDatabase(_data.FullName);
        await new MigrationRunner(database, [new UsageMigrations()], TimeProvider.System, NullLogger<MigrationRunner>.Instance).StartAsync(default);
        SqliteConnection.ClearAllPools();
        await AdviceLedger.WriteAsync(Path.Combine(_data.FullName, SqliteDatabase.FileName));
        _config = Path.Combine(_data.FullName, "advice.json");
        await File.WriteAllTextAsync(_config, $$"""
            {
              "Tokengate": {
                "Pools": { "chat": { "Backends": [ { "Name": "{{AdviceLedger.ProvisionedBackend}}", "Endpoint": "https://contoso.openai.azure.com/", "Type": "Provisioned", "Model": "gpt-4o" } ] } },
                "Advice": { "ProvisionedUnits": { "{{AdviceLedger.ProvisionedBackend}}": 20 } }
              }
            }
            """);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private async Task<TokengateProcess> RunAsync(params string[] args)
    {
        var process = TokengateProcess.Start(_data.FullName, ["advise", "--data", _data.FullName, "--config", _config, "--since", AdviceLedger.Since, "--until", AdviceLedger.Until, .. args]);
        await process.WaitForExitAsync(ExitDeadline);
        return process;
    }

    [Fact]
    public async Task Json_ThreeSyntheticMonths_HandComputedFigures()
    {
        await using var process = await RunAsync("--format", "json");

        Assert.True(process.ExitCode == 0, process.StandardError);
        using var doc = JsonDocument.Parse(process.StandardOutput);
        AdviceAssert.ThreeMonths(doc.RootElement);
    }

    [Fact]
    public async Task Markdown_ThreeSyntheticMonths_TablesAndReasons()
    {
        await using var process = await RunAsync("--format", "markdown");

        Assert.True(process.ExitCode == 0, process.StandardError);
        var text = process.StandardOutput;
        Assert.Contains("## PAYG vs PTU", text, StringComparison.Ordinal);
        Assert.True(Regex.IsMatch(text, @"\| steady \| gpt-4o \| 140,000 \| 60 \| 93\.3% \| 15,330\.00 \| 43,800\.00 \| 15,600\.00 \| 13,260\.00 \| 0\.00 \| 80\.7% \| PTU 60 \(yearly reservation\) \|"), text);
        Assert.True(Regex.IsMatch(text, @"\| spiky \| gpt-4o \| 0 \| 15 \|.*\| stay PAYG \|"), text);
        Assert.Contains("## PTU under-use", text, StringComparison.Ordinal);
        Assert.True(Regex.IsMatch(text, @"\| ptu-east \| gpt-4o \| 20 \| 50\.0% \| 1,080,000,000 \| 5,200\.00 \| 2,600\.00 \| 12,13,14,15,16,17,18,19,20,21,22,23 \|"), text);
        Assert.Contains("Quality is not measured", text, StringComparison.Ordinal);

        // steady, 43,200 requests: $15,120 → $15,330 a month; on gpt-4o-mini 4.32B × $0.15 + 432M × $0.60 = $907.20 →
        // $919.80 a month. No cache hits on 100,000-token prompts: 4.32B × ($2.50 − $1.25) = $5,400 → $5,475 a month.
        Assert.Contains("## Right model for the task", text, StringComparison.Ordinal);
        Assert.Contains("| app | steady | gpt-4o | 43,200 | 100,000 | 10,000 | 15,330.00 | gpt-4o-mini | 919.80 | 14,410.20 | - |", text, StringComparison.Ordinal);
        Assert.Contains("## Prompt caching", text, StringComparison.Ordinal);
        Assert.Contains("| app | steady | gpt-4o | 43,200 | 100,000 | 0.0% | 5,475.00 | yes |", text, StringComparison.Ordinal);
        Assert.Contains("## Truncation", text, StringComparison.Ordinal);
        Assert.Contains("recorded output bound (max_output_tokens)", text, StringComparison.Ordinal);   // the synthetic rows have none: not counted
    }

    [Fact]
    public async Task Table_Default_AlignedColumnsAndAdvice()
    {
        await using var process = await RunAsync();

        Assert.True(process.ExitCode == 0, process.StandardError);
        var lines = process.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        var text = process.StandardOutput;
        Assert.Contains(lines, l => l.StartsWith("deployment", StringComparison.Ordinal) && l.Contains("p95_tokens_min", StringComparison.Ordinal));
        Assert.True(lines.Any(l => Regex.IsMatch(l, @"^steady\s+gpt-4o\s+140,000\s+60\s+.*PTU 60 \(yearly reservation\)$")), text);
        Assert.True(lines.Any(l => Regex.IsMatch(l, @"^ptu-east\s+gpt-4o\s+20\s+50\.0%\s+1,080,000,000\s+5,200\.00\s+2,600\.00")), text);
    }

    [Theory]
    [InlineData("--format", "xml", "xml")]
    [InlineData("--until", "2026-10-01", "--since must be before --until")]
    public async Task BadArgument_NonZeroExit_AndAMessageNamingIt(string option, string value, string named)
    {
        await using var process = TokengateProcess.Start(_data.FullName, "advise", "--data", _data.FullName, "--since", AdviceLedger.Since, option, value);
        await process.WaitForExitAsync(ExitDeadline);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(named, process.StandardError, StringComparison.Ordinal);
    }
}
