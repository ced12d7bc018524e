using System.Text.Json;
using Tokengate.Assessment;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Assessment;

/// <summary><c>tokengate assess</c> as a CI pipeline runs it.</summary>
public sealed class AssessCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-assess-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task Assess_UpConfiguration_WarnsWithFixes()
    {
        var (exitCode, output) = await RunAsync("assess", "--up");
        Assert.Contains(exitCode, new[] { 0, 1 });
        Assert.Contains("backend keys are plain environment variables, not Key Vault or managed identity", output, StringComparison.Ordinal);
        Assert.Contains("no consumer has a max-tokens cap", output, StringComparison.Ordinal);
        Assert.Contains("the last backup is not known", output, StringComparison.Ordinal);
        Assert.True(output.Split("fix: ").Length > 10, output);
        foreach (var item in AssessmentChecklist.Items) Assert.Contains(item.Id + " ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_ProductionExample_NoFail_JsonNamesEveryItem()
    {
        var (exitCode, output) = await RunAsync("assess", "--config", Path.Combine(RepositoryPaths.Root, "docs", "examples", "production.json"), "--format", "json");
        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("failed").GetBoolean());
        var ids = json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(AssessmentChecklist.Items.Select(i => i.Id), ids);
        Assert.DoesNotContain(json.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("status").GetString() == "fail");
    }

    [Fact]
    public async Task Assess_InvalidConfiguration_ExitsTwo()
    {
        var file = Path.Combine(_workingDirectory, "bad.json");
        await File.WriteAllTextAsync(file, """{"Tokengate":{"Pools":{"x":{"Backends":[{"Name":"a","Endpoint":"https://a.openai.azure.com/","ApiKey":"plain-secret"}]}}}}""");
        Assert.Equal(2, (await RunAsync("assess", "--config", file)).ExitCode);
        Assert.Equal(2, (await RunAsync("assess", "--config", Path.Combine(_workingDirectory, "missing.json"))).ExitCode);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        await using var cli = TokengateProcess.Start(_workingDirectory, args);
        var exitCode = await cli.WaitForExitAsync(Deadline);
        return (exitCode, cli.StandardOutput);
    }
}
