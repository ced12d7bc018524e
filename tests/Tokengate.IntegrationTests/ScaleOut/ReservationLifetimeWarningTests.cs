using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tokengate.Hosting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Secrets;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>A reservation lifetime at or below the request deadline is valid but warned about when the gateway starts.</summary>
public sealed class ReservationLifetimeWarningTests
{
    private const string Warning = "Tokengate:State:ReservationLifetime";

    [Theory]
    [InlineData("00:01:00", "00:05:00", true)]
    [InlineData("00:05:00", "00:05:00", true)]
    [InlineData("00:10:00", "00:05:00", false)]
    public async Task Start_WithRedisState_WarnsOnlyWhenTheLifetimeIsNotAboveTheDeadline(string lifetime, string deadline, bool warned)
    {
        var variable = $"TOKENGATE_TEST_LIFETIME_REDIS_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, TestRedis.Shared);
        var data = Directory.CreateTempSubdirectory("tokengate-lifetime-");
        var logs = new CapturingLoggerProvider();
        await using var backend = await TestBackends.StartAsync();
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = data.FullName,
                ["Tokengate:State:Provider"] = "Redis",
                ["Tokengate:State:Redis:ConnectionString"] = $"env:{variable}",
                ["Tokengate:State:Redis:KeyPrefix"] = $"tg-lifetime-{Guid.NewGuid():N}:",
                ["Tokengate:State:ReservationLifetime"] = lifetime,
                ["Tokengate:Forwarding:Deadline"] = deadline,
                ["Tokengate:Pools:chat:Backends:0:Model"] = "gpt-4o",
            };
            foreach (var (k, v) in TestBackends.Backend("chat", 0, "sim", backend)) settings[k] = v;
            await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Logging.AddProvider(logs);
            });

            var lines = logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(Warning, StringComparison.Ordinal)).ToList();
            Assert.Equal(warned ? 1 : 0, lines.Count);
            if (warned) Assert.Contains("Tokengate:Forwarding:Deadline", lines[0], StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            data.Delete(recursive: true);
        }
    }
}
