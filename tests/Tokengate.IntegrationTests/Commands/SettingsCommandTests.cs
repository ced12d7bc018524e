using System.Net;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate consumers policy / groups / budgets</c> as a user runs them, next to a running <c>tokengate up</c>.</summary>
public sealed partial class SettingsCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-settings-cli-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task PolicyGroupsAndBudgets_AgainstRunningUp_TakeEffectAtOnce()
    {
        await using var up = TokengateProcess.Start(_workingDirectory, "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await up.WaitForOutputAsync("Press Ctrl+C to stop.", Deadline);
        using var client = new HttpClient { BaseAddress = new Uri(EndpointLine().Match(up.StandardOutput).Groups[1].Value + "/") };

        var (created, createOutput) = await RunAsync("keys", "create", "--consumer", "cli-app");
        Assert.Equal(0, created);
        var key = KeyLine().Match(createOutput).Groups[1].Value;

        var (policy, policyOutput) = await RunAsync("consumers", "policy", "cli-app", "--rpm", "1", "--tpm", "100000", "--logging", "metadata");
        Assert.True(policy == 0, policyOutput);
        Assert.Contains("\"requestsPerMinute\":1", policyOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", key))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", key))).StatusCode);

        // Only the limit named is changed; the others are kept.
        var (_, tpmOnly) = await RunAsync("consumers", "policy", "cli-app", "--tpm", "200000");
        Assert.Contains("\"tokensPerMinute\":200000", tpmOnly, StringComparison.Ordinal);
        Assert.Contains("\"requestsPerMinute\":1", tpmOnly, StringComparison.Ordinal);

        var (_, show) = await RunAsync("consumers", "show", "cli-app");
        Assert.Matches(@"limits: \{.*\}  \(managed\)", show);
        Assert.Contains("logging: \"metadata\"  (managed)", show, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("groups", "create", "night-shift", "--description", "Runs at night")).ExitCode);
        Assert.Equal(0, (await RunAsync("consumers", "move", "cli-app", "--group", "night-shift")).ExitCode);
        var (_, groups) = await RunAsync("groups", "list");
        Assert.Matches(@"night-shift\s+1\s+Runs at night", groups);
        Assert.Equal(0, (await RunAsync("groups", "policy", "night-shift", "--concurrency", "4")).ExitCode);
        var (_, group) = await RunAsync("groups", "show", "night-shift");
        Assert.Contains("\"concurrentRequests\":4", group, StringComparison.Ordinal);

        var (set, setOutput) = await RunAsync("budgets", "set", "group", "night-shift", "monthly", "--amount", "12.5", "--alert-percents", "50,90");
        Assert.True(set == 0, setOutput);
        var (_, budgets) = await RunAsync("budgets", "list");
        Assert.Matches(@"group\s+night-shift\s+monthly\s+usd\s+12\.5", budgets);
        Assert.Equal(0, (await RunAsync("budgets", "remove", "group", "night-shift", "monthly")).ExitCode);
        Assert.NotEqual(0, (await RunAsync("budgets", "remove", "group", "night-shift", "monthly")).ExitCode);

        var (invalid, invalidOutput) = await RunAsync("consumers", "policy", "cli-app", "--logging", "verbose");
        Assert.NotEqual(0, invalid);
        Assert.Contains("Error 400", invalidOutput, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => TokengateProcess.RunAsync(_workingDirectory, Deadline, args);

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"^(tg_\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
