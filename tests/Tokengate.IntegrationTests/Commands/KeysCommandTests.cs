using System.Net;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate keys / consumers / audit</c> as a user runs them, next to a running <c>tokengate up</c>.</summary>
public sealed partial class KeysCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-keys-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task KeysCreateAndRevoke_AgainstRunningUp_TakeEffectAtOnce()
    {
        await using var up = TokengateProcess.Start(_workingDirectory, "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await up.WaitForOutputAsync("Press Ctrl+C to stop.", Deadline);
        using var client = new HttpClient { BaseAddress = new Uri(EndpointLine().Match(up.StandardOutput).Groups[1].Value + "/") };

        var (created, createOutput) = await RunAsync("keys", "create", "--consumer", "cli-app", "--group", "payments", "--expires", "30d");
        Assert.Equal(0, created);
        var key = KeyLine().Match(createOutput).Groups[1].Value;
        var id = IdText().Match(createOutput).Value;
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", key))).StatusCode);

        var (_, list) = await RunAsync("keys", "list", "--consumer", "cli-app");
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains(key[..8], list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);

        var (_, consumers) = await RunAsync("consumers", "list");
        Assert.Matches(@"cli-app\s+payments\s+consumer", consumers);
        Assert.Matches(@"dev\s+-\s+consumer", consumers); // up's development consumer is a stored consumer

        Assert.Equal(0, (await RunAsync("keys", "revoke", id)).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", key))).StatusCode);

        var (_, audit) = await RunAsync("audit", "list", "--action", "key.", "--since", "1h");
        Assert.Matches($@"local-operator\s+key\.revoked\s+{id}\s+127\.0\.0\.1\s+success", audit);
        Assert.Matches($@"local-operator\s+key\.created\s+{id}\s+127\.0\.0\.1\s+success", audit);

        var (failed, _) = await RunAsync("keys", "revoke", id);
        Assert.NotEqual(0, failed);
    }

    [Fact]
    public async Task KeysList_WithoutRunningGateway_SaysSoAndFails()
    {
        await using var cli = TokengateProcess.Start(_workingDirectory, "keys", "list");
        Assert.NotEqual(0, await cli.WaitForExitAsync(Deadline));
        Assert.Contains("No running Tokengate gateway found", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("tokengate up", cli.StandardError, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => TokengateProcess.RunAsync(_workingDirectory, Deadline, args);

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"^(tg_\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex("key_[0-9a-f]{16}")]
    private static partial Regex IdText();
}
