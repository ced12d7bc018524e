using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Screening;

namespace Tokengate.IntegrationTests.Screening;

/// <summary>
/// Prompt screening end to end: real Kestrel, the simulator and the <c>openai</c> npm client (js/sdk-screening.mjs)
/// for block, annotate and monitor with a direct attack in the user turn and an indirect one in a tool result (chat and
/// Responses); the ledger of a blocked request; the request log's verdicts; and 503 when a fail-closed policy's detector
/// fails or never answers.
/// </summary>
public sealed class ScreeningTests
{
    private static readonly string[] Cases = ["direct", "indirect", "responsesDirect", "responsesIndirect"];

    [Fact]
    public async Task OpenAINpmClient_BlockAnnotateMonitor_DirectAndIndirectAttacks()
    {
        await using var h = await ScreeningHarness.StartAsync(new() { ["Tokengate:RequestLogging:Consumers:monitor"] = "Metadata" });
        using var result = await RunScriptAsync(h);
        var root = result.RootElement;

        var block = root.GetProperty("block");
        foreach (var name in Cases)
        {
            var error = block.GetProperty(name).GetProperty("error");
            var indirect = name.Contains("ndirect", StringComparison.Ordinal);
            Assert.True(error.GetProperty("status").GetInt32() == 400, $"{name}: {error}");
            Assert.Equal("BadRequestError", error.GetProperty("name").GetString());
            Assert.Equal("content_filter", error.GetProperty("code").GetString());
            Assert.Equal("prompt", error.GetProperty("param").GetString());
            Assert.Equal("ResponsibleAIPolicyViolation", error.GetProperty("innerCode").GetString());
            Assert.Equal(!indirect, error.GetProperty("jailbreak").GetBoolean());
            if (indirect) Assert.True(error.GetProperty("indirect").GetBoolean());
        }
        Assert.False(string.IsNullOrEmpty(block.GetProperty("benign").GetProperty("content").GetString()));

        var annotate = root.GetProperty("annotate");
        Assert.Equal("jailbreak; detector=rules; score=1.00", annotate.GetProperty("direct").GetProperty("header").GetString());
        Assert.Equal("indirect_attack; detector=rules; score=1.00", annotate.GetProperty("indirect").GetProperty("header").GetString());
        Assert.Equal("jailbreak; detector=rules; score=1.00", annotate.GetProperty("responsesDirect").GetProperty("header").GetString());
        Assert.Equal("indirect_attack; detector=rules; score=1.00", annotate.GetProperty("responsesIndirect").GetProperty("header").GetString());
        Assert.Equal("none", annotate.GetProperty("benign").GetProperty("header").GetString());
        foreach (var name in Cases) Assert.False(string.IsNullOrEmpty(annotate.GetProperty(name).GetProperty("content").GetString()), name);

        var monitor = root.GetProperty("monitor");
        foreach (var name in Cases.Append("benign"))
        {
            Assert.False(monitor.GetProperty(name).TryGetProperty("error", out _), name);
            Assert.Equal(JsonValueKind.Null, monitor.GetProperty(name).GetProperty("header").ValueKind);
        }

        // The blocked requests are in the ledger, refused (400) with no tokens and no cost; the simulator never saw them.
        var ledger = await h.LedgerAsync(15);
        var blocked = ledger.Where(r => r.Consumer == "block" && r.Status == 400).ToList();
        Assert.Equal(4, blocked.Count);
        Assert.All(blocked, r => Assert.Equal((0L, 0L, 0L), (r.Prompt, r.Completion, r.Cost)));
        Assert.Equal(11, ledger.Count(r => r.Status == 200));

        // The request log carries the verdicts, never the text.
        await h.StopGatewayAsync();
        var file = Assert.Single(Directory.GetFiles(Path.Combine(h.Data.FullName, "request-logs")));
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.DoesNotContain("Ignore", l, StringComparison.OrdinalIgnoreCase));
        using var first = JsonDocument.Parse(lines[0]);
        var screening = first.RootElement.GetProperty("screening");
        Assert.Equal(("monitor", "jailbreak"), (screening.GetProperty("mode").GetString(), screening.GetProperty("attack").GetString()));
        var verdict = Assert.Single(screening.GetProperty("verdicts").EnumerateArray());
        Assert.Equal("rules", verdict.GetProperty("detector").GetString());
        Assert.True(verdict.TryGetProperty("ms", out _));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FailClosed_DetectorFailsOrNeverAnswers_503ScreeningUnavailable_NotForwarded(bool throws)
    {
        var detector = new TestDetector(DetectorNames.PromptShields, throws);
        await using var h = await ScreeningHarness.StartAsync(new()
        {
            ["Tokengate:Screening:Consumers:block:Detectors:0"] = DetectorNames.PromptShields,
            ["Tokengate:Screening:Consumers:block:OnDetectorFailure"] = "Closed",
            ["Tokengate:Screening:Consumers:block:Timeout"] = "00:00:00.200",
            // The same detector, failing open: the request goes through.
            ["Tokengate:Screening:Consumers:monitor:Mode"] = "Block",
            ["Tokengate:Screening:Consumers:monitor:Detectors:0"] = DetectorNames.PromptShields,
            ["Tokengate:Screening:Consumers:monitor:Timeout"] = "00:00:00.200",
        }, b => b.Services.AddSingleton<IPromptDetector>(detector));

        using var refused = await h.Client.SendAsync(GatewayRequests.Chat(ScreeningHarness.Deployment, ScreeningHarness.Key("block")));
        await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "ScreeningUnavailable");
        Assert.Equal("1", refused.Headers.GetValues("retry-after").Single());

        using var open = await h.Client.SendAsync(GatewayRequests.Chat(ScreeningHarness.Deployment, ScreeningHarness.Key("monitor")));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(2, detector.Calls);
        Assert.Equal(1, h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    private static async Task<JsonDocument> RunScriptAsync(ScreeningHarness h)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-screening.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, h.Gateway.Endpoint.ToString(), ScreeningHarness.Deployment, ScreeningHarness.Key("block"), ScreeningHarness.Key("annotate"), ScreeningHarness.Key("monitor") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout);
    }
}
