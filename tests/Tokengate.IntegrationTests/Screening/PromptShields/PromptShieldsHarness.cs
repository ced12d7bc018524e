using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.IntegrationTests.Simulator;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Screening;
using Tokengate.Screening.PromptShields;
using Tokengate.Secrets;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Screening.PromptShields;

/// <summary>A simulator on loopback and Prompt Shields detectors aimed at it, built without the gateway.</summary>
internal sealed class PromptShieldsHarness : IAsyncDisposable
{
    public const string KeyReference = "env:TEST_CONTENT_SAFETY_KEY";
    private readonly List<IDisposable> _owned = [];

    private PromptShieldsHarness(SimulatorHarness simulator) => Simulator = simulator;

    public SimulatorHarness Simulator { get; }

    public SimulatedContentSafetyStats Stats => Simulator.Control.GetContentSafetyStats();

    public static async Task<PromptShieldsHarness> StartAsync(Action<SimulatorOptions>? configure = null) =>
        new(await SimulatorHarness.StartAsync(configure));

    public PromptShieldsDetector Detector(Action<PromptShieldsOptions>? configure = null, TimeProvider? time = null, TokenCredential? credential = null,
        string? key = SimulatorHarness.Key)
    {
        var options = new PromptShieldsOptions { Endpoint = Simulator.Server.Endpoint.ToString(), ApiKey = KeyReference };
        configure?.Invoke(options);
        var outbound = new OutboundHttpClient(TimeSpan.FromSeconds(5), OutboundAllowlist.FromPatterns(["127.0.0.1"]), NullLogger<OutboundHttpClient>.Instance);
        var detector = new PromptShieldsDetector(options, outbound, new StaticSecretResolver(key), time ?? TimeProvider.System,
            NullLogger<PromptShieldsDetector>.Instance, credential);
        _owned.Add(outbound);
        return detector;
    }

    /// <summary>Text of <paramref name="length"/> characters in which no 10,000-character piece repeats another.</summary>
    public static string Varied(int length)
    {
        var text = new System.Text.StringBuilder(length + 8);
        for (var i = 0; text.Length < length; i++) text.Append(i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
        return text.ToString(0, length);
    }

    public static ScreeningInput Prompt(params string[] user) => new(user, []);

    public static ScreeningInput Documents(params string[] documents) => new([], documents);

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned) owned.Dispose();
        await Simulator.DisposeAsync();
    }
}
