using System.Net;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate backends drain / resume</c> and <c>tokengate requests list / show</c> next to a running <c>tokengate up</c>.</summary>
public sealed partial class OpsCommandsTests : IDisposable
{
    private const string Ptu = "ptu-eastus-gpt-4o";  // up's provisioned backend in its chat pool
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-ops-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task DrainResumeAndRequestsList_AgainstRunningUp()
    {
        await using var up = TokengateProcess.Start(_workingDirectory, "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await up.WaitForOutputAsync("Press Ctrl+C to stop.", Deadline);
        using var client = new HttpClient { BaseAddress = new Uri(EndpointLine().Match(up.StandardOutput).Groups[1].Value + "/") };

        var (drained, drainOutput) = await RunAsync("backends", "drain", Ptu);
        Assert.True(drained == 0, drainOutput);
        Assert.Contains($"{Ptu} is drained (by local-operator at ", drainOutput, StringComparison.Ordinal);
        var (unknown, unknownOutput) = await RunAsync("backends", "drain", "nope");
        Assert.NotEqual(0, unknown);
        Assert.Contains("nope", unknownOutput, StringComparison.Ordinal);

        var (_, createOutput) = await RunAsync("keys", "create", "--consumer", "ops-app");
        var key = KeyLine().Match(createOutput).Groups[1].Value;
        using (var response = await client.SendAsync(GatewayRequests.Chat("gpt-4o", key)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The ledger writer is asynchronous: list (with a deadline) until the request is there.
        var until = DateTime.UtcNow + Deadline;
        string list;
        while (!Regex.IsMatch(list = (await RunAsync("requests", "list", "--consumer", "ops-app", "--since", "1h")).Output, @"ops-app\s+gpt-4o\s+chat\.completions\s+200\s+success"))
        {
            Assert.True(DateTime.UtcNow < until, list);
            await Task.Delay(100);
        }
        Assert.DoesNotContain(Ptu, list.Split('\n')[1], StringComparison.Ordinal);  // served by a pay-as-you-go backend while drained
        var id = IdText().Match(list.Split('\n')[1]).Value;
        var (shown, showOutput) = await RunAsync("requests", "show", id);
        Assert.True(shown == 0, showOutput);
        Assert.Contains("\"consumer\": \"ops-app\"", showOutput, StringComparison.Ordinal);
        // The CLI's local credential is an operator: metadata only, and the answer says why.
        Assert.Contains("\"contentAvailable\": \"forbidden\"", showOutput, StringComparison.Ordinal);

        var (resumed, resumeOutput) = await RunAsync("backends", "resume", Ptu);
        Assert.True(resumed == 0, resumeOutput);
        Assert.Contains($"{Ptu} takes requests again", resumeOutput, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => TokengateProcess.RunAsync(_workingDirectory, Deadline, args);

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"^(tg_\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex IdText();
}
