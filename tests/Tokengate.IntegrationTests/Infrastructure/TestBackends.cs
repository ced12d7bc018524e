using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Simulated backends for tests that build their own gateway configuration.</summary>
internal static class TestBackends
{
    public const string KeyVariable = "TOKENGATE_TEST_BACKEND_KEY";

    private static readonly Lazy<string> Key = new(() =>
    {
        var key = "sim-test-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(KeyVariable, key);
        return key;
    });

    /// <summary>The key every test simulator accepts; reference it as <c>env:TOKENGATE_TEST_BACKEND_KEY</c>.</summary>
    public static string BackendKey => Key.Value;

    public static Task<SimulatorServer> StartAsync(string region = "East US", params string[] deployments)
    {
        var options = new SimulatorOptions { Region = region, ApiKeys = [BackendKey] };
        foreach (var d in deployments.Length == 0 ? ["gpt-4o"] : deployments)
            options.Deployments[d] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06" };
        return SimulatorServer.StartAsync(options);
    }

    /// <summary>Configuration entries for one backend of a pool.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Backend(string pool, int index, string name, SimulatorServer server, int priority = 1, string type = "Standard")
    {
        var p = $"Tokengate:Pools:{pool}:Backends:{index}";
        yield return new($"{p}:Name", name);
        yield return new($"{p}:Endpoint", server.Endpoint.ToString());
        yield return new($"{p}:Deployment", "gpt-4o");
        yield return new($"{p}:Priority", priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new($"{p}:Type", type);
        yield return new($"{p}:ApiKey", $"env:{KeyVariable}");
    }
}
