using System.Net;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Identity;

/// <summary>Step 2 on a <c>DefaultHttpContext</c>: network rules, then the consumer from a gateway key, with the failure throttle and audit.</summary>
public sealed class IdentifyMiddlewareTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");
    private const int FailureLimit = 3;

    private readonly StepServices _services = new();
    private readonly RecordingNext _next = new();
    private readonly FailureAudit _failures;
    private readonly AuthFailureThrottle _throttle;

    public IdentifyMiddlewareTests()
    {
        _failures = _services.FailureAudit();
        _throttle = new AuthFailureThrottle(
            Options.Create(new AuthFailureOptions { Limit = FailureLimit, Window = TimeSpan.FromMinutes(1) }), _services.Time);
    }

    public void Dispose() => _services.Dispose();

    private IdentifyMiddleware Identify(GatewaySnapshot snapshot) =>
        new(_next.InvokeAsync, snapshot.Consumers, _throttle, new JwtConsumerAuthenticator(new OidcOptions(), keys: null, _services.Time), _failures);

    private StepContext Request(GatewaySnapshot snapshot, RouteFamily family = RouteFamily.AzureClassic, IPAddress? from = null)
    {
        var routeValues = family == RouteFamily.AzureClassic ? [("deployment", "chat")] : Array.Empty<(string, string)>();
        var context = StepContext.For(snapshot, OperationRegistry.ChatCompletions, family, _services.Time, "?api-version=2024-10-21", routeValues);
        context.Http.Connection.RemoteIpAddress = from ?? Client;
        context.Http.Request.Headers.UserAgent = "test-client/1.0";
        return context;
    }

    private List<AuditFailure> Audited()
    {
        var list = new List<AuditFailure>();
        while (_failures.Reader.TryRead(out var failure)) list.Add(failure);
        return list;
    }

    [Fact]
    public async Task InvokeAsync_NoKey_401AndCountedAndAudited()
    {
        var snapshot = StepGateway.Snapshot();
        using var context = Request(snapshot);

        await Identify(snapshot).InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(401, context.Status);
        Assert.Equal("401", context.Error().Code);
        Assert.Null(context.Feature.Consumer);
        Assert.Equal(Client, context.Feature.ClientAddress);
        var audited = Assert.Single(Audited());
        Assert.Equal((FailureAudit.AuthenticationFailed, FailureAudit.Unauthenticated, FailureAudit.NoCredential), (audited.Action, audited.Actor, audited.Reason));
        Assert.Equal(("POST /openai/deployments/chat/chat/completions", "test-client/1.0"), (audited.Target, audited.UserAgent));
    }

    [Theory]
    [InlineData("api-key", "wrong-key")]
    [InlineData("Authorization", "Bearer wrong-key")]
    public async Task InvokeAsync_BadKey_401AndAuditedAsInvalidKey(string header, string value)
    {
        var snapshot = StepGateway.Snapshot();
        using var context = Request(snapshot, RouteFamily.AzureV1);
        context.Http.Request.Headers[header] = value;

        await Identify(snapshot).InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(401, context.Status);
        var error = context.Error();
        Assert.Equal("401", error.Code);
        Assert.Equal(GatewayError.InvalidKey.Message, error.Message);
        Assert.Equal(FailureAudit.InvalidKey, Assert.Single(Audited()).Reason);
    }

    [Fact]
    public async Task InvokeAsync_BadKeys_CountedByTheThrottleUntilTheAddressGets429()
    {
        var snapshot = StepGateway.Snapshot();
        for (var i = 0; i < FailureLimit; i++)
        {
            Assert.False(_throttle.IsBlocked(Client, out _));
            using var bad = Request(snapshot);
            bad.Http.Request.Headers["api-key"] = "wrong-key";
            await Identify(snapshot).InvokeAsync(bad.Http);
            Assert.Equal(401, bad.Status);
            _services.Time.Advance(TimeSpan.FromSeconds(5));
        }
        Assert.True(_throttle.IsBlocked(Client, out var blockedFor));
        Assert.Equal(TimeSpan.FromSeconds(45), blockedFor);
        Assert.Equal(FailureLimit, Audited().Count);

        // Blocked: even the right key is not looked at, and nothing more is audited.
        using var good = Request(snapshot);
        good.Http.Request.Headers["api-key"] = StepGateway.AliceKey;
        await Identify(snapshot).InvokeAsync(good.Http);

        Assert.False(_next.Called);
        Assert.Equal(429, good.Status);
        Assert.Equal("429", good.Error().Code);
        Assert.Equal("45", good.Header("retry-after"));
        Assert.Equal("45000", good.Header("retry-after-ms"));
        Assert.Null(good.Feature.Consumer);
        Assert.Empty(Audited());

        // Another address is not affected.
        using var other = Request(snapshot, from: IPAddress.Parse("198.51.100.20"));
        other.Http.Request.Headers["api-key"] = StepGateway.AliceKey;
        await Identify(snapshot).InvokeAsync(other.Http);
        Assert.Equal(1, _next.Calls);
    }

    [Theory]
    [InlineData(RouteFamily.AzureClassic, "api-key", StepGateway.AliceKey)]
    [InlineData(RouteFamily.AzureV1, "api-key", "  " + StepGateway.AliceKey + " ")]
    [InlineData(RouteFamily.OpenAI, "Authorization", "Bearer " + StepGateway.AliceKey)]
    public async Task InvokeAsync_GoodKey_ConsumerSetAndNextCalled(RouteFamily family, string header, string value)
    {
        var snapshot = StepGateway.Snapshot();
        using var context = Request(snapshot, family);
        context.Http.Request.Headers[header] = value;

        await Identify(snapshot).InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal(200, context.Status);
        var consumer = context.Feature.Consumer!;
        Assert.Equal("alice", consumer.Name);
        Assert.True(consumer.HasRole(Roles.Consumer));
        Assert.Equal(Client, context.Feature.ClientAddress);
        Assert.Empty(Audited());
        Assert.False(_throttle.IsBlocked(Client, out _));
    }

    [Fact]
    public async Task InvokeAsync_AddressOutsideTheAllowlist_403BeforeTheKeyIsLookedAt()
    {
        var snapshot = StepGateway.Snapshot(o => o.Network.AllowedIpRanges = ["10.0.0.0/8"]);
        using var context = Request(snapshot);
        context.Http.Request.Headers["api-key"] = "wrong-key";

        await Identify(snapshot).InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        Assert.Empty(Audited());
        Assert.False(_throttle.IsBlocked(Client, out _));
    }

    [Fact]
    public async Task InvokeAsync_ConsumerFromAnAddressOutsideItsOwnRanges_403()
    {
        var snapshot = StepGateway.Snapshot(o => o.Consumers["alice"].AllowedIpRanges = ["10.0.0.0/8"]);
        using var context = Request(snapshot);
        context.Http.Request.Headers["api-key"] = StepGateway.AliceKey;

        await Identify(snapshot).InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        Assert.Null(context.Feature.Consumer);
    }
}
