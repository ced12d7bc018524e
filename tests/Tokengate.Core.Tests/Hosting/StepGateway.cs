using Microsoft.Extensions.Time.Testing;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.Hosting;

/// <summary>
/// The configuration the pipeline step tests run under, compiled by <see cref="GatewaySnapshotBuilder"/> as the gateway
/// compiles its own: pool <c>chat</c> (alias <c>gpt-4o</c>, Azure backends <c>east</c> and <c>west</c>), pool <c>mini</c>
/// (one Azure backend, <c>solo</c>), pool <c>compatible</c> (one OpenAI-protocol backend), consumers <c>alice</c> and
/// <c>bob</c> (role consumer) and <c>auditor</c> (role reader only). No backend needs a secret.
/// </summary>
internal static class StepGateway
{
    public const string AliceKey = "alice-key";
    public const string BobKey = "bob-key";
    public const string AuditorKey = "auditor-key";

    public static GatewayOptions Options() => new()
    {
        Pools =
        {
            ["chat"] = new PoolOptions { Aliases = ["gpt-4o"], Backends = [Azure("east", "gpt-4o"), Azure("west", "gpt-4o")] },
            ["mini"] = new PoolOptions { Backends = [Azure("solo", "gpt-4o-mini")] },
            ["compatible"] = new PoolOptions
            {
                Backends =
                [
                    new BackendOptions
                    {
                        Name = "oai", Endpoint = "https://api.example.com/v1", Protocol = BackendProtocol.OpenAI, Auth = BackendAuthMode.None, Model = "gpt-4o",
                    },
                ],
            },
        },
        Consumers =
        {
            ["alice"] = new ConsumerOptions { KeyHashes = [KeyHash.Format(AliceKey)] },
            ["bob"] = new ConsumerOptions { KeyHashes = [KeyHash.Format(BobKey)] },
            ["auditor"] = new ConsumerOptions { KeyHashes = [KeyHash.Format(AuditorKey)], Roles = [Roles.Reader] },
        },
    };

    public static GatewaySnapshot Snapshot(Action<GatewayOptions>? configure = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return new GatewaySnapshotBuilder(new EnvironmentSecretResolver(), new FakeTimeProvider()).Build(options);
    }

    /// <summary>The consumer a key identifies, as step 2 would have set it.</summary>
    public static Consumer Consumer(GatewaySnapshot snapshot, string key)
    {
        Assert.True(snapshot.Consumers.TryFind(key, out var consumer), $"No consumer has the key '{key}'.");
        return consumer;
    }

    private static BackendOptions Azure(string name, string model) => new()
    {
        Name = name, Endpoint = $"https://{name}.example.com", Deployment = model, Auth = BackendAuthMode.None, Model = model,
    };
}
