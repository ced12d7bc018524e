using System.Net;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Authorization;

/// <summary>Step 4 on a <c>DefaultHttpContext</c>: the consumer role, the scope for deployment and operation, and MCP server hosts.</summary>
public sealed class AuthorizeMiddlewareTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    private readonly StepServices _services = new();
    private readonly RecordingNext _next = new();
    private readonly FailureAudit _failures;

    public AuthorizeMiddlewareTests() => _failures = _services.FailureAudit();

    public void Dispose() => _services.Dispose();

    private AuthorizeMiddleware Authorize() => new(_next.InvokeAsync, _failures);

    /// <summary>Alice may call <c>chat</c> with the given operations only (and, when given, MCP servers on these hosts).</summary>
    private static GatewaySnapshot Scoped(string[] operations, string[]? mcpHosts = null) => StepGateway.Snapshot(o =>
        o.Access.Consumers["alice"] = new ScopeOptions { Deployments = ["chat"], Operations = [.. operations], McpServerHosts = mcpHosts?.ToList() });

    private StepContext Request(GatewaySnapshot snapshot, OperationDescriptor operation, string key, string body, string pool = "chat")
    {
        var family = operation == OperationRegistry.ResponsesCreate ? RouteFamily.AzureV1 : RouteFamily.AzureClassic;
        var routeValues = operation == OperationRegistry.DeploymentPassThrough ? new[] { ("deployment", pool), ("path", "images/generations") }
            : family == RouteFamily.AzureClassic ? [("deployment", pool)] : Array.Empty<(string, string)>();
        var context = StepContext.For(snapshot, operation, family, _services.Time, "?api-version=2024-10-21", routeValues).WithConsumer(key).WithBody(body).Parsed(pool);
        context.Feature.ClientAddress = Client;
        return context;
    }

    private List<AuditFailure> Audited()
    {
        var list = new List<AuditFailure>();
        while (_failures.Reader.TryRead(out var failure)) list.Add(failure);
        return list;
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("chat-team-a")]
    public async Task InvokeAsync_DedicatedPoolScopedByTheDeploymentOrItsOwnName_Passes(string scoped)
    {
        var snapshot = StepGateway.Snapshot(o =>
        {
            o.Consumers["alice"].Group = "team-a";
            o.Pools["chat-team-a"] = new PoolOptions
            {
                DedicatedTo = new PoolDedicationOptions { Deployment = "chat", Groups = ["team-a"] },
                Backends = [new BackendOptions { Name = "team-a", Endpoint = "https://team-a.example.com", Auth = BackendAuthMode.None }],
            };
            o.Access.Consumers["alice"] = new ScopeOptions { Deployments = [scoped], Operations = ["chat"] };
        });
        using var context = Request(snapshot, OperationRegistry.ChatCompletions, StepGateway.AliceKey, """{"messages":[]}""", pool: "chat-team-a");

        await Authorize().InvokeAsync(context.Http);

        Assert.True(_next.Called, context.Body);
    }

    [Fact]
    public async Task InvokeAsync_ConsumerWithoutConsumerRole_403AndAudited()
    {
        using var context = Request(StepGateway.Snapshot(), OperationRegistry.ChatCompletions, StepGateway.AuditorKey, """{"messages":[]}""");

        await Authorize().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        var error = context.Error();
        Assert.Equal("PermissionDenied", error.Code);
        Assert.Equal("The principal 'auditor' does not have the role 'consumer' needed to call models.", error.Message);
        var audited = Assert.Single(Audited());
        Assert.Equal((FailureAudit.AuthorizationDenied, "auditor", Client, "chat"), (audited.Action, audited.Actor, audited.Address, audited.Target));
        Assert.Equal(error.Message, audited.Reason);
    }

    [Fact]
    public async Task InvokeAsync_ScopeWithoutTheOperation_403NamingIt()
    {
        using var context = Request(Scoped(["chat"]), OperationRegistry.Embeddings, StepGateway.AliceKey, """{"input":"a lighthouse"}""");

        await Authorize().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        var error = context.Error();
        Assert.Equal("PermissionDenied", error.Code);
        Assert.Equal("The consumer 'alice' may not call deployment 'chat' (operation embeddings).", error.Message);
        Assert.Equal(FailureAudit.AuthorizationDenied, Assert.Single(Audited()).Action);
    }

    [Fact]
    public async Task InvokeAsync_ScopeOnAnotherDeployment_403()
    {
        using var context = Request(Scoped(["chat"]), OperationRegistry.ChatCompletions, StepGateway.AliceKey, """{"messages":[]}""", pool: "mini");

        await Authorize().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        Assert.Equal("The consumer 'alice' may not call deployment 'mini' (operation chat).", context.Error().Message);
    }

    [Fact]
    public async Task InvokeAsync_PassThroughWithChatOnlyScope_403NeedsStar()
    {
        using var context = Request(Scoped(["chat"]), OperationRegistry.DeploymentPassThrough, StepGateway.AliceKey, """{"prompt":"a lighthouse"}""");

        await Authorize().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        Assert.Equal("The consumer 'alice' may not call deployment 'chat' (operation *).", context.Error().Message);
    }

    [Fact]
    public async Task InvokeAsync_PassThroughWithStarScope_NextCalled()
    {
        using var context = Request(Scoped(["*"]), OperationRegistry.DeploymentPassThrough, StepGateway.AliceKey, """{"prompt":"a lighthouse"}""");

        await Authorize().InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal(200, context.Status);
    }

    [Fact]
    public async Task InvokeAsync_McpServerOutsideTheConsumersHosts_403NamingTheServer()
    {
        const string Body = """
            {"model":"chat","input":"Look it up","tools":[
              {"type":"function","name":"f","parameters":{}},
              {"type":"mcp","server_label":"ok","server_url":"https://tools.example.com/mcp"},
              {"type":"mcp","server_label":"exfil","server_url":"https://collector.example.net/sse"}]}
            """;
        using var context = Request(Scoped(["responses"], ["tools.example.com"]), OperationRegistry.ResponsesCreate, StepGateway.AliceKey, Body);

        await Authorize().InvokeAsync(context.Http);

        Assert.False(_next.Called);
        Assert.Equal(403, context.Status);
        var error = context.Error();
        Assert.Equal("PermissionDenied", error.Code);
        Assert.Equal(
            "The consumer 'alice' may not use the MCP server 'https://collector.example.net/sse': its host is not in the consumer's McpServerHosts.",
            error.Message);
        Assert.Single(Audited());
    }

    [Fact]
    public async Task InvokeAsync_McpServerOnAnAllowedHost_NextCalled()
    {
        const string Body = """{"model":"chat","input":"Look it up","tools":[{"type":"mcp","server_label":"ok","server_url":"https://a.tools.example.com/mcp"}]}""";
        using var context = Request(Scoped(["responses"], ["*.tools.example.com"]), OperationRegistry.ResponsesCreate, StepGateway.AliceKey, Body);

        await Authorize().InvokeAsync(context.Http);

        Assert.True(_next.Called);
        Assert.Empty(Audited());
    }

    [Fact]
    public async Task InvokeAsync_McpServerWithoutHostList_NextCalled()
    {
        const string Body = """{"model":"chat","input":"Look it up","tools":[{"type":"mcp","server_label":"any","server_url":"https://collector.example.net/sse"}]}""";
        using var context = Request(Scoped(["responses"]), OperationRegistry.ResponsesCreate, StepGateway.AliceKey, Body);

        await Authorize().InvokeAsync(context.Http);

        Assert.True(_next.Called);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("chat")]
    [InlineData("chat,embeddings")]
    public async Task InvokeAsync_Allowed_NextCalledAndNothingWritten(string? operations)
    {
        var snapshot = operations is null ? StepGateway.Snapshot() : Scoped(operations.Split(','));
        using var context = Request(snapshot, OperationRegistry.ChatCompletions, StepGateway.AliceKey, """{"messages":[]}""");

        await Authorize().InvokeAsync(context.Http);

        Assert.Equal(1, _next.Calls);
        Assert.Equal(200, context.Status);
        Assert.Equal("", context.ResponseText);
        Assert.Empty(Audited());
    }
}
