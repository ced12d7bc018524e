using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Limits;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Tokens;

namespace Tokengate.Accounting;

/// <summary>
/// Step 8 on a <c>DefaultHttpContext</c>, its <c>next</c> playing steps 6 and 7 (the admission they reserved, the backend
/// and what it answered): usage, the reservation, the ledger record and a stored response's chain.
/// </summary>
public sealed class SettleMiddlewareTests : IDisposable
{
    private const int TokensPerMinute = 1000;
    private static readonly TokenCounter Counter = new(new TokenizerRegistry());
    private static readonly ModelPrice Gpt4o = PriceTable.For("gpt-4o", new AccountingOptions());

    private readonly StepServices _services = new();
    private readonly GatewaySnapshot _snapshot;
    private readonly InMemoryLimitStore _limits;
    private readonly InMemoryBudgetStore _budgets;
    private readonly InMemoryBackendHealth _health;
    private readonly UsageLedger _ledger;

    public SettleMiddlewareTests()
    {
        _snapshot = StepGateway.Snapshot(o => o.Limits.Consumers["alice"] = new LimitRuleOptions { TokensPerMinute = TokensPerMinute });
        _limits = new InMemoryLimitStore(_services.Time);
        _budgets = new InMemoryBudgetStore(_services.Time, alerts: null);
        _health = new InMemoryBackendHealth(_services.Time, () => _snapshot.Forwarding);
        _ledger = _services.Ledger(_snapshot.Options);
    }

    public void Dispose() => _services.Dispose();

    private Backend East => _snapshot.PoolsByName["chat"].Backends[0];

    private SettleMiddleware Settle(RecordingNext next) =>
        new(next.InvokeAsync, new SettleStep(_limits, _budgets, _health, _ledger, Counter, _services.Affinity, _services.Time, NullLogger<SettleStep>.Instance));

    private StepContext ResponsesCreate(string body) =>
        StepContext.For(_snapshot, OperationRegistry.ResponsesCreate, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(StepGateway.AliceKey).WithBody(body).Parsed("chat");

    private StepContext ResponsesGet(string id, long storedChainTokens)
    {
        var context = StepContext.For(_snapshot, OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, null, ("id", id)).WithConsumer(StepGateway.AliceKey);
        context.Feature.Pool = _snapshot.PoolsByName["chat"];
        context.Feature.PinnedBackend = East;
        context.Feature.StoredId = id;
        context.Feature.StoredChainTokens = storedChainTokens;
        context.Feature.Parsed = new ParsedRequest { N = 1 };
        return context;
    }

    /// <summary>What steps 6 and 7 leave: a TPM reservation of <paramref name="estimate"/> (half of it a size-based prompt estimate) and a 200 from <c>east</c>.</summary>
    private RecordingNext AdmittedAndAnswered(long estimate, UsageCounts? reported, string? createdId = null, StreamTap? tap = null) => new(async context =>
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var scopes = LimitScopes.For(feature.Consumer!, feature.Snapshot.Options.Limits, throttlingBudget: null);
        var decision = await _limits.TryReserveAsync(scopes, estimate, CancellationToken.None);
        Assert.True(decision.Admitted);
        feature.Admission = new AdmissionState(ModelProfile.For("gpt-4o"), new PromptEstimate((int)estimate / 2, Exact: false), (int)(estimate - (estimate / 2)), 1)
        {
            Reservation = decision.Reservation,
        };
        Answered(feature, context, reported, createdId, tap);
    });

    /// <summary>What step 7 leaves for a call that is not admitted (a lifecycle call): a 200 from <c>east</c>.</summary>
    private RecordingNext Answered(UsageCounts? reported, StreamTap? tap = null) => new(context =>
    {
        Answered(context.Features.GetRequiredFeature<GatewayRequestFeature>(), context, reported, createdId: null, tap);
        return Task.CompletedTask;
    });

    private void Answered(GatewayRequestFeature feature, HttpContext context, UsageCounts? reported, string? createdId, StreamTap? tap)
    {
        feature.Outcome.Backend = East;
        feature.Outcome.Attempts = 1;
        feature.Outcome.ResponseStartTimestamp = _services.Time.GetTimestamp();
        feature.Outcome.ReportedUsage = reported;
        feature.Outcome.StreamTap = tap;
        feature.Outcome.CreatedId = createdId;
        context.Response.StatusCode = 200;
    }

    private UsageRecord Recorded()
    {
        Assert.True(_ledger.Reader.TryRead(out var record), "Nothing was queued for the ledger.");
        Assert.False(_ledger.Reader.TryRead(out _), "More than one record was queued.");
        return record;
    }

    /// <summary>The consumer's TPM counter: what a reservation of nothing leaves.</summary>
    private async Task<long> TokensInTheWindowAsync()
    {
        var alice = StepGateway.Consumer(_snapshot, StepGateway.AliceKey);
        var decision = await _limits.TryReserveAsync(LimitScopes.For(alice, _snapshot.Options.Limits, null), 0, CancellationToken.None);
        return TokensPerMinute - decision.RemainingTokens!.Value;
    }

    [Fact]
    public async Task InvokeAsync_BackgroundCreate_NothingMeteredAndTheReservationReleased()
    {
        await _services.StoreResponseAsync("resp_bg1", "alice", "chat", "east", chainTokens: 0);  // as the forwarder records a background response
        using var context = ResponsesCreate("""{"model":"chat","input":"Write a long essay.","background":true,"max_output_tokens":600}""");
        // A queued background response reports no usage; without the background rule the gateway would count the prompt.
        var next = AdmittedAndAnswered(estimate: 700, reported: null, createdId: "resp_bg1");

        await Settle(next).InvokeAsync(context.Http);

        Assert.Equal(1, next.Calls);
        var record = Recorded();
        Assert.Equal((0L, 0L, 0L, 0m, UsageSource.None), (record.PromptTokens, record.CachedTokens, record.CompletionTokens, record.CostUsd, record.Source));
        Assert.Equal(("alice", "chat", "east", 200), (record.Consumer, record.Deployment, record.Backend, record.Status));
        Assert.Same(OperationRegistry.ResponsesCreate, record.Operation);
        Assert.Equal(0, await TokensInTheWindowAsync());
        Assert.Equal(0, (await _services.AffinityStore.FindAsync("resp_bg1", CancellationToken.None))!.ChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_ForegroundCreate_ReservationSettledToUsageAndChainRecorded()
    {
        await _services.StoreResponseAsync("resp_fg1", "alice", "chat", "east", chainTokens: 350);
        using var context = ResponsesCreate("""{"model":"chat","input":"Hi","max_output_tokens":600}""");
        var usage = new UsageCounts(40, 10, 25, UsageSource.Reported);

        await Settle(AdmittedAndAnswered(estimate: 700, usage, createdId: "resp_fg1")).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal((40L, 10L, 25L, UsageSource.Reported), (record.PromptTokens, record.CachedTokens, record.CompletionTokens, record.Source));
        Assert.Equal(Gpt4o.Cost(40, 10, 25), record.CostUsd);
        Assert.Equal(65, await TokensInTheWindowAsync());
        Assert.Equal(65, (await _services.AffinityStore.FindAsync("resp_fg1", CancellationToken.None))!.ChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_StreamBrokenBeforeItsUsage_PromptAndDeliveredTextCounted()
    {
        using var context = StepContext.For(_snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(StepGateway.AliceKey).WithBody("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"stream":true}""").Parsed("chat");
        var tap = new StreamUsageTap(stripUsageChunk: true);
        var delivered = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello there, traveller\"}}]}\n\n"u8;
        Assert.True(tap.Inspect(delivered));
        tap.Relayed(delivered);

        await Settle(AdmittedAndAnswered(estimate: 500, reported: null, tap: tap)).InvokeAsync(context.Http);

        var record = Recorded();
        var profile = ModelProfile.For("gpt-4o");
        Assert.Equal(UsageSource.Counted, record.Source);
        Assert.Equal(Counter.Count(context.Feature, profile), record.PromptTokens);
        Assert.Equal(Counter.CountText("Hello there, traveller", profile.Encoding), record.CompletionTokens);
        Assert.True(record.Stream);
    }

    [Fact]
    public async Task InvokeAsync_LifecycleGetSeesFinishedBackgroundUsage_RecordedWithItsCost()
    {
        await _services.StoreResponseAsync("resp_bg2", "alice", "chat", "east", chainTokens: 0);
        using var context = ResponsesGet("resp_bg2", storedChainTokens: 0);

        await Settle(Answered(new UsageCounts(120, 20, 30, UsageSource.Reported))).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal((120L, 20L, 30L, UsageSource.Reported), (record.PromptTokens, record.CachedTokens, record.CompletionTokens, record.Source));
        Assert.Equal(Gpt4o.Cost(120, 20, 30), record.CostUsd);
        Assert.Same(OperationRegistry.ResponsesGet, record.Operation);
        Assert.Null(context.Feature.Admission);
        // The chain now holds the response's usage: no later call meters it again.
        Assert.Equal(150, (await _services.AffinityStore.FindAsync("resp_bg2", CancellationToken.None))!.ChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_ResumedStreamSeesFinishedBackgroundUsage_Recorded()
    {
        await _services.StoreResponseAsync("resp_bg3", "alice", "chat", "east", chainTokens: 0);
        using var context = ResponsesGet("resp_bg3", storedChainTokens: 0);
        var tap = new ResponsesStreamTap();
        tap.Inspect("event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{\"id\":\"resp_bg3\",\"usage\":{\"input_tokens\":11,\"output_tokens\":4}}}\n\n"u8);

        await Settle(Answered(reported: null, tap)).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal((11L, 4L, UsageSource.Reported), (record.PromptTokens, record.CompletionTokens, record.Source));
        Assert.Equal(15, (await _services.AffinityStore.FindAsync("resp_bg3", CancellationToken.None))!.ChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_TwoGetsOfAFinishedBackgroundResponse_UsageRecordedOnce()
    {
        await _services.StoreResponseAsync("resp_bg4", "alice", "chat", "east", chainTokens: 0);
        var usage = new UsageCounts(120, 0, 30, UsageSource.Reported);

        // Step 3 reads the stored chain (0: not metered yet) and step 8 settles, as in the pipeline.
        for (var i = 0; i < 2; i++)
        {
            using var context = StepContext.For(_snapshot, OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, null, ("id", "resp_bg4"))
                .WithConsumer(StepGateway.AliceKey);
            var settle = Settle(Answered(usage));
            await new ParseMiddleware(settle.InvokeAsync, _services.Affinity).InvokeAsync(context.Http);
            Assert.Equal(200, context.Status);
        }

        Assert.True(_ledger.Reader.TryRead(out var first));
        Assert.True(_ledger.Reader.TryRead(out var second));
        Assert.Equal((120L, 30L, UsageSource.Reported), (first.PromptTokens, first.CompletionTokens, first.Source));
        Assert.Equal((0L, 0L, UsageSource.None, 0m), (second.PromptTokens, second.CompletionTokens, second.Source, second.CostUsd));
    }

    [Fact]
    public async Task InvokeAsync_GetOfAForegroundResponse_NothingMetered()
    {
        await _services.StoreResponseAsync("resp_fg2", "alice", "chat", "east", chainTokens: 65);
        using var context = ResponsesGet("resp_fg2", storedChainTokens: 65);

        await Settle(Answered(new UsageCounts(40, 0, 25, UsageSource.Reported))).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal((0L, 0L, UsageSource.None), (record.PromptTokens, record.CompletionTokens, record.Source));
        Assert.Equal(65, (await _services.AffinityStore.FindAsync("resp_fg2", CancellationToken.None))!.ChainTokens);
    }

    [Fact]
    public async Task InvokeAsync_NextThrows_StillSettlesAndReleases()
    {
        using var context = ResponsesCreate("""{"model":"chat","input":"Hi","max_output_tokens":600}""");
        var admitted = AdmittedAndAnswered(estimate: 700, reported: null);
        var next = new RecordingNext(async c =>
        {
            await admitted.InvokeAsync(c);
            c.Features.GetRequiredFeature<GatewayRequestFeature>().Outcome.ResponseStartTimestamp = 0;  // no model answered
            throw new HttpRequestException("connection refused");
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => Settle(next).InvokeAsync(context.Http));

        Assert.Equal(UsageSource.None, Recorded().Source);
        Assert.Equal(0, await TokensInTheWindowAsync());
    }

    [Fact]
    public async Task InvokeAsync_RefusedByTheConsumersLimitsBeforeAdmission_RecordedAsRejected()
    {
        using var context = ResponsesCreate("""{"model":"chat","input":"Hi","max_output_tokens":600}""");
        var next = new RecordingNext(c => new GatewayError(429, "429", "Requests of consumer 'alice' have exceeded the token rate limit.", RetryAfter: TimeSpan.FromSeconds(5)).WriteAsync(c));

        await Settle(next).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.True(record.Rejected);
        Assert.Equal((429, null), (record.Status, record.Backend));
    }

    // Guards against a bug once in SettleMiddleware.SettleAsync, `Rejected: admission is null && status == 429`: a call that is never
    // admitted (every operation with Metered = false: the responses lifecycle calls, responses.input_tokens,
    // deployments.passthrough) has no AdmissionState by design, so any 429 it ends with is recorded as Rejected and
    // counted in tokengate.consumer.rejections ("refused by the consumer's rate limits or budgets, 429 before any
    // backend") and the dashboard's rejections, although no limit or budget refused it: here the forwarder's answer when
    // the pinned backend rests after a backend 429 (AffinityErrors.PinnedBackendUnavailable).
    [Fact]
    public async Task InvokeAsync_PinnedBackendThrottledOnALifecycleCall_NotRecordedAsRejected()
    {
        await _services.StoreResponseAsync("resp_fg3", "alice", "chat", "east", chainTokens: 65);
        using var context = ResponsesGet("resp_fg3", storedChainTokens: 65);
        var next = new RecordingNext(c =>
        {
            var feature = c.Features.GetRequiredFeature<GatewayRequestFeature>();
            feature.Outcome.Attempts = 1;
            feature.Outcome.Backend = East;
            return Affinity.AffinityErrors.PinnedBackendUnavailable("chat", TimeSpan.FromSeconds(10), throttled: true).WriteAsync(c);
        });

        await Settle(next).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal(429, record.Status);
        Assert.False(record.Rejected);
    }

    // Guards against a bug once in ParseMiddleware.ResolveStoredAsync + SettleMiddleware.Usage/RecordChainAsync: "metered once, by the first
    // retrieve that sees it finished" is a check-then-act across the whole forward: step 3 reads the record's chain
    // (0: not metered yet) and step 8 writes it only after the backend answered. Two retrieves of the same finished
    // background response that overlap (a poll while a resumed stream runs, two pollers, two instances of a fleet) both
    // read 0 and both meter its usage: the ledger gets it twice. The interleaving is forced here: both requests pass step 3
    // before either settles.
    [Fact]
    public async Task InvokeAsync_OverlappingGetsOfAFinishedBackgroundResponse_UsageRecordedOnce()
    {
        await _services.StoreResponseAsync("resp_bg5", "alice", "chat", "east", chainTokens: 0);
        var usage = new UsageCounts(120, 0, 30, UsageSource.Reported);
        using var first = StepContext.For(_snapshot, OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, null, ("id", "resp_bg5")).WithConsumer(StepGateway.AliceKey);
        using var second = StepContext.For(_snapshot, OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, null, ("id", "resp_bg5")).WithConsumer(StepGateway.AliceKey);
        var parse = new ParseMiddleware(new RecordingNext().InvokeAsync, _services.Affinity);
        await parse.InvokeAsync(first.Http);
        await parse.InvokeAsync(second.Http);
        Assert.Equal((0L, 0L), (first.Feature.StoredChainTokens, second.Feature.StoredChainTokens));

        await Settle(Answered(usage)).InvokeAsync(first.Http);
        await Settle(Answered(usage)).InvokeAsync(second.Http);

        Assert.True(_ledger.Reader.TryRead(out var a));
        Assert.True(_ledger.Reader.TryRead(out var b));
        Assert.Equal(120, a.PromptTokens + b.PromptTokens);
        Assert.Equal(30, a.CompletionTokens + b.CompletionTokens);
    }

    [Theory]
    [InlineData("flex", 0.5)]
    [InlineData("priority", 1.75)]
    [InlineData("default", 1.0)]
    [InlineData(null, 1.0)]
    public async Task InvokeAsync_ServedTier_PricedAtItsMultiplierAndRecorded(string? served, double multiplier)
    {
        using var context = ResponsesCreate("""{"model":"chat","input":"Hi","max_output_tokens":600}""");
        context.Feature.Outcome.SentServiceTier = "priority";
        var usage = new UsageCounts(40, 10, 25, UsageSource.Reported) { ServiceTier = served };

        await Settle(AdmittedAndAnswered(estimate: 700, usage)).InvokeAsync(context.Http);

        var record = Recorded();
        Assert.Equal(Gpt4o.Cost(40, 10, 25) * (decimal)multiplier, record.CostUsd);
        Assert.Equal(served, record.ServiceTier);
        Assert.Equal("priority", record.SentServiceTier);
    }
}
