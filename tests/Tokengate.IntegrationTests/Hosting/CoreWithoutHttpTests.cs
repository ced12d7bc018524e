using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Accounting;
using Tokengate.Audit;
using Tokengate.Authorization;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;
using Tokengate.Limits;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Proxy;
using Tokengate.Simulator;
using Tokengate.Tokens;

namespace Tokengate.IntegrationTests.Hosting;

/// <summary>
/// The core runs a request that has no HTTP connection (what a queued or batched request will be): authorize, admit,
/// forward with failover, settle, with the answer going to a stored result instead of a response.
/// </summary>
public sealed class CoreWithoutHttpTests : IAsyncLifetime
{
    private const string Key = "key-queued";
    private readonly List<SimulatorServer> _backends = [];
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:queued:KeyHashes:0"] = KeyHash.Format(Key),
            ["Tokengate:Limits:Consumers:queued:TokensPerMinute"] = "100000",
        };
        for (var i = 0; i < 2; i++)
        {
            var backend = await TestBackends.StartAsync();
            _backends.Add(backend);
            foreach (var (k, v) in TestBackends.Backend("chat", i, $"b{i}", backend, priority: i + 1)) config[k] = v;
            config[$"Tokengate:Pools:chat:Backends:{i}:Model"] = "gpt-4o";
        }
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var backend in _backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task QueuedChatRequest_RunsTheSameStepsAsALiveCall_AndItsAnswerIsStored()
    {
        // The first backend fails once: the stored request fails over exactly as a live one would.
        _backends[0].Control.FailNext("gpt-4o", 1, 503);
        var services = _gateway.Services;
        using var feature = Request(services, """{"model":"chat","messages":[{"role":"user","content":"Hello from a queue"}],"max_tokens":12}""");
        var sink = new BufferedResponseSink();

        Assert.Null(new AuthorizationStep(services.GetRequiredService<FailureAudit>()).Authorize(feature));
        var admission = new AdmissionStep(services.GetRequiredService<TokenCounter>(), services.GetRequiredService<ILimitStore>(),
            services.GetRequiredService<IBudgetStore>(), services.GetRequiredService<TimeProvider>());
        Assert.Null(await admission.AdmitAsync(feature, CancellationToken.None));
        await services.GetRequiredService<Forwarder>().ForwardAsync(feature, sink);
        await services.GetRequiredService<SettleStep>().SettleAsync(feature, sink.StatusCode);

        Assert.Equal(StatusCodes.Status200OK, sink.StatusCode);
        Assert.False(sink.IsAborted);
        Assert.Equal(2, feature.Outcome.Attempts);
        Assert.Equal("b1", feature.Outcome.Backend!.Name);
        using var body = JsonDocument.Parse(sink.Body);
        var usage = body.RootElement.GetProperty("usage");
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), feature.Outcome.ReportedUsage!.Value.CompletionTokens);
        var ledger = await WaitForLedgerAsync();
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), ledger.Prompt);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), ledger.Completion);
    }

    [Fact]
    public async Task QueuedRequestOverItsLimit_RefusedWithStatusAndRetryTime_NothingForwarded()
    {
        var services = _gateway.Services;
        using var feature = Request(services, """{"model":"chat","messages":[{"role":"user","content":"Too much"}],"max_tokens":16000,"n":8}""");
        var admission = new AdmissionStep(services.GetRequiredService<TokenCounter>(), services.GetRequiredService<ILimitStore>(),
            services.GetRequiredService<IBudgetStore>(), services.GetRequiredService<TimeProvider>());

        var refused = await admission.AdmitAsync(feature, CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Equal(429, refused.Status);
        Assert.NotNull(refused.RetryAfter);
        var sink = new BufferedResponseSink();
        await refused.WriteAsync(sink);
        Assert.Equal(429, sink.StatusCode);
        Assert.Equal(GatewayError.RetrySeconds(refused.RetryAfter!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture), sink.Headers["retry-after"].ToString());
        Assert.Equal(0, _backends.Sum(b => b.Control.GetStats("gpt-4o").RequestsReceived));
    }

    /// <summary>A request as a queue would hold it: route, consumer, pool, parsed body; no connection.</summary>
    private static GatewayRequestFeature Request(IServiceProvider services, string json)
    {
        var snapshot = services.GetRequiredService<GatewayConfiguration>().Current;
        Assert.True(services.GetRequiredService<IConsumerKeyStore>().TryFind(Key, out var consumer));
        var feature = new GatewayRequestFeature(new GatewayRoute(OperationRegistry.ChatCompletions, RouteFamily.AzureV1), snapshot, services.GetRequiredService<TimeProvider>().GetTimestamp())
        {
            Request = new RequestEnvelope("POST", "/openai/v1/chat/completions", new HeaderDictionary(), new RouteValueDictionary(), QueryCollection.Empty, "application/json"),
            Consumer = consumer,
            Pool = snapshot.PoolsByName["chat"],
        };
        var bytes = Encoding.UTF8.GetBytes(json);
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        feature.SetBody(rented, bytes.Length);
        Assert.True(RequestBodyParser.TryParse(feature.Body.Span, out feature.Parsed, out _));
        return feature;
    }

    private async Task<(long Records, long Prompt, long Completion, long Cost)> WaitForLedgerAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var totals = await LimitsHarness.ReadLedgerAsync(_gateway.Data);
            if (totals.Records >= 1) return totals;
            Assert.True(DateTime.UtcNow < deadline, "no ledger row within 20 s");
            await Task.Delay(25);
        }
    }
}
