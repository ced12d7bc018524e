using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Priority;
using Tokengate.Tokens;

namespace Tokengate.Limits;

/// <summary>Step 6 on a <c>DefaultHttpContext</c>: max-tokens policy, model limits, rate limits and the reservation, with the in-memory stores.</summary>
public sealed class AdmitMiddlewareTests : IDisposable
{
    private static readonly TokenCounter Counter = new(new TokenizerRegistry());

    private readonly StepServices _services = new();
    private readonly RecordingNext _next = new();
    private readonly InMemoryLimitStore _limits;
    private readonly InMemoryBudgetStore _budgets;
    private readonly WaitQueue _queue;

    public AdmitMiddlewareTests()
    {
        _limits = new InMemoryLimitStore(_services.Time);
        _budgets = new InMemoryBudgetStore(_services.Time, alerts: null);
        _queue = new WaitQueue(_services.Time);
    }

    public void Dispose()
    {
        _queue.Dispose();
        _services.Dispose();
    }

    private AdmitMiddleware Admit() => new(_next.InvokeAsync, Counter, _limits, _budgets, _services.Time, _queue);

    private StepContext Responses(GatewaySnapshot snapshot, string body) =>
        StepContext.For(snapshot, OperationRegistry.ResponsesCreate, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(StepGateway.AliceKey).WithBody(body).Parsed("chat");

    private StepContext Chat(GatewaySnapshot snapshot, string body) =>
        StepContext.For(snapshot, OperationRegistry.ChatCompletions, RouteFamily.AzureV1, _services.Time)
            .WithConsumer(StepGateway.AliceKey).WithBody(body).Parsed("chat");

    private static GatewaySnapshot Tpm(int tokensPerMinute) =>
        StepGateway.Snapshot(o => o.Limits.Consumers["alice"] = new LimitRuleOptions { TokensPerMinute = tokensPerMinute });

    [Fact]
    public async Task InvokeAsync_MaxOutputTokensAboveTheModelsLimit_400InvalidValue()
    {
        // gpt-4o produces at most 16,384 output tokens per choice.
        using var context = Responses(StepGateway.Snapshot(), """{"model":"chat","input":"Hi","max_output_tokens":20000}""");

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal(("invalid_value", "max_output_tokens", "invalid_request_error"), (error.Code, error.Param, error.Type));
        Assert.Contains("at most 16384", error.Message, StringComparison.Ordinal);
        Assert.Null(context.Feature.Admission);
    }

    [Fact]
    public async Task InvokeAsync_ConfiguredMaxOutputTokens_OverridesTheModelsLimit()
    {
        var snapshot = StepGateway.Snapshot(o => o.Tokens.MaxOutputTokens["gpt-4o"] = 1000);
        using var context = Chat(snapshot, """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":1001}""");

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        Assert.Equal(("invalid_value", "max_tokens"), (context.Error().Code, context.Error().Param));
    }

    [Fact]
    public async Task InvokeAsync_CapPolicyWithClamp_RewritesMaxOutputTokens()
    {
        var snapshot = StepGateway.Snapshot(o => o.Limits.Deployments["chat"] = new MaxTokensPolicyOptions { Cap = 300 });
        using var context = Responses(snapshot, """{"model":"chat","input":"Hi","max_output_tokens":5000,"store":false}""");

        await Admit().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("""{"model":"chat","input":"Hi","max_output_tokens":300,"store":false}""", context.Body);
        Assert.Equal(300, context.Feature.Admission!.MaxOutputTokens);
    }

    [Fact]
    public async Task InvokeAsync_CapPolicyWithClamp_RewritesEveryChatBoundOverTheCap()
    {
        var snapshot = StepGateway.Snapshot(o => o.Limits.Consumers["alice"] = new LimitRuleOptions { MaxTokens = new MaxTokensPolicyOptions { Cap = 100 } });
        using var context = Chat(snapshot, """{"max_tokens":  500,"messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":400}""");

        await Admit().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        using var body = JsonDocument.Parse(context.Body);
        Assert.Equal(100, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal(100, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(100, context.Feature.Admission!.MaxOutputTokens);
    }

    [Fact]
    public async Task InvokeAsync_CapPolicyWithReject_400NamingTheCap()
    {
        var snapshot = StepGateway.Snapshot(o => o.Limits.Deployments["chat"] = new MaxTokensPolicyOptions { Cap = 300, OverCap = MaxTokensAction.Reject });
        const string Body = """{"model":"chat","input":"Hi","max_output_tokens":301}""";
        using var context = Responses(snapshot, Body);

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(400, context.Status);
        var error = context.Error();
        Assert.Equal(("invalid_value", "max_output_tokens"), (error.Code, error.Param));
        Assert.Contains("limit of 300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_CapPolicyAndNoBound_WritesTheCapIntoTheBody()
    {
        var snapshot = StepGateway.Snapshot(o => o.Limits.Deployments["chat"] = new MaxTokensPolicyOptions { Cap = 250 });
        using var context = Responses(snapshot, """{"model":"chat","input":"Hi"}""");

        await Admit().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Equal("""{"max_output_tokens":250,"model":"chat","input":"Hi"}""", context.Body);
        Assert.Equal(250, context.Feature.Admission!.MaxOutputTokens);
    }

    [Fact]
    public async Task InvokeAsync_TokensPerMinuteSpent_429WithRetryAfter()
    {
        var snapshot = Tpm(1000);
        const string Body = """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":600}""";
        using (var first = Chat(snapshot, Body))
        {
            await Admit().InvokeAsync(first.Http);
            Assert.NotNull(first.Feature.Admission!.Reservation);
        }
        _services.Time.Advance(TimeSpan.FromSeconds(10));
        using var second = Chat(snapshot, Body);

        await Admit().InvokeAsync(second.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal(429, second.Status);
        Assert.Null(second.Feature.Admission);
        var error = second.Error();
        Assert.Equal("429", error.Code);
        Assert.Contains("token rate limit of 1000 tokens per minute", error.Message, StringComparison.Ordinal);
        // The first reservation leaves the window 60 s after it was made, 50 s from now.
        Assert.Equal("50", second.Header("retry-after"));
        Assert.Equal("50000", second.Header("retry-after-ms"));
    }

    [Fact]
    public async Task InvokeAsync_RequestAloneAboveTokensPerMinute_429RetryAfterAMinute()
    {
        using var context = Chat(Tpm(100), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":500}""");

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(429, context.Status);
        Assert.Contains("This request alone exceeds", context.Error().Message, StringComparison.Ordinal);
        Assert.Equal("60", context.Header("retry-after"));
    }

    [Fact]
    public async Task InvokeAsync_Admitted_ReservationAndRemainingTokens()
    {
        using var context = Chat(Tpm(10_000), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":600,"n":2}""");

        await Admit().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        var admission = context.Feature.Admission!;
        Assert.Equal((600, 2), (admission.MaxOutputTokens, admission.Choices));
        Assert.Equal(admission.Prompt.Tokens + 1200, admission.EstimatedTokens);
        Assert.Equal(admission.EstimatedTokens, admission.Reservation!.Tokens);
        Assert.Equal(10_000 - admission.EstimatedTokens, admission.RemainingTokens);
    }

    [Fact]
    public async Task InvokeAsync_NotMeteredOperation_NextCalledWithoutAdmission()
    {
        using var context = StepContext.For(Tpm(1), OperationRegistry.ResponsesGet, RouteFamily.AzureV1, _services.Time, null, ("id", "resp_1"))
            .WithConsumer(StepGateway.AliceKey);
        context.Feature.Pool = context.Snapshot.PoolsByName["chat"];

        await Admit().InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Null(context.Feature.Admission);
        Assert.Equal(200, context.Status);
    }

    [Fact]
    public async Task InvokeAsync_ContinuedChain_AddedToTheEstimateAndReserved()
    {
        var snapshot = Tpm(100_000);
        const string Body = """{"model":"chat","input":"And then?","previous_response_id":"resp_1","max_output_tokens":100}""";
        using var alone = Responses(snapshot, Body);
        using var continued = Responses(snapshot, Body);
        continued.Feature.ContinuedChainTokens = 5000;

        await Admit().InvokeAsync(alone.Http);
        await Admit().InvokeAsync(continued.Http);

        var a = alone.Feature.Admission!;
        var c = continued.Feature.Admission!;
        Assert.Equal((0, 5000), (a.ContinuedTokens, c.ContinuedTokens));
        Assert.Equal(a.Prompt.Tokens + 100, a.EstimatedTokens);
        Assert.Equal(c.Prompt.Tokens + 5000 + 100, c.EstimatedTokens);
        Assert.Equal(a.EstimatedTokens + 5000, c.EstimatedTokens);
        Assert.Equal(c.EstimatedTokens, c.Reservation!.Tokens);
    }

    [Fact]
    public async Task InvokeAsync_ContinuedChainAboveTokensPerMinute_429()
    {
        using var context = Responses(Tpm(1000), """{"model":"chat","input":"And then?","max_output_tokens":100}""");
        context.Feature.ContinuedChainTokens = 5000;

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(429, context.Status);
    }

    [Fact]
    public async Task InvokeAsync_ChatStreamWithoutIncludeUsage_AsksForUsageAndStripsIt()
    {
        using var context = Chat(StepGateway.Snapshot(), """{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{}}""");

        await Admit().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.True(context.Feature.Admission!.StripUsageChunk);
        Assert.Equal("""{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""", context.Body);
    }

    [Fact]
    public async Task InvokeAsync_BudgetSpent_429BudgetExceeded()
    {
        var snapshot = StepGateway.Snapshot(o => o.Budgets.Consumers["alice"] =
            [new BudgetOptions { Period = BudgetPeriod.Daily, Amount = 1m, OverBudget = BudgetAction.Block }]);
        var alice = StepGateway.Consumer(snapshot, StepGateway.AliceKey);
        _budgets.Settle(_budgets.Admit(alice, snapshot.Options.Budgets, 0m, 0), cost: 1m, tokens: 0);
        using var context = Chat(snapshot, """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":10}""");

        await Admit().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(429, context.Status);
        Assert.Equal("BudgetExceeded", context.Error().Code);
        // The day resets at midnight UTC, 16 h after the test clock's 08:00.
        Assert.Equal("57600", context.Header("retry-after"));
    }
}
