using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

public sealed class GatewaySnapshotBuilderTests : IDisposable
{
    private static readonly Operations.OperationDescriptor Chat = Operations.OperationRegistry.ChatCompletions;
    private static readonly Operations.OperationDescriptor Embeddings = Operations.OperationRegistry.Embeddings;

    private readonly string _keyVariable = "TOKENGATE_TEST_SNAPSHOT_KEY_" + Guid.NewGuid().ToString("N");
    private readonly string _secret = "snapshot-secret-" + Guid.NewGuid().ToString("N");
    private readonly GatewaySnapshotBuilder _builder = new(new EnvironmentSecretResolver(), new FakeTimeProvider());

    public GatewaySnapshotBuilderTests()
    {
        Environment.SetEnvironmentVariable(_keyVariable, _secret);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_keyVariable, null);

    private GatewayOptions Options() => new()
    {
        Pools =
        {
            ["Chat"] = new PoolOptions
            {
                Aliases = ["gpt-4o", "Latest"],
                SpilloverUtilizationPercent = 80,
                Backends =
                [
                    new BackendOptions { Name = "ptu", Endpoint = "https://ptu.example.com", Deployment = "gpt 4o/ptu", ApiKey = Ref, Type = BackendType.Provisioned, Priority = 0, Weight = 2 },
                    new BackendOptions { Name = "paygo", Endpoint = "https://paygo.example.com/base/", ApiKey = Ref, ApiVersion = "2025-01-01-preview" },
                    new BackendOptions { Name = "openai", Endpoint = "https://api.example.com/v1", Protocol = BackendProtocol.OpenAI, Deployment = "gpt-4o-2024-08-06", ApiKey = Ref },
                ],
            },
            ["embed"] = new PoolOptions
            {
                Backends = [new BackendOptions { Name = "local", Endpoint = "http://127.0.0.1:8080", Auth = BackendAuthMode.None }],
            },
        },
        Consumers = { ["alice"] = new ConsumerOptions { KeyHashes = [KeyHash.Format("alice-key")] } },
        Forwarding = { MaxAttempts = 3 },
    };

    private string Ref => "env:" + _keyVariable;

    [Theory]
    [InlineData("Chat")]
    [InlineData("chat")]
    [InlineData("CHAT")]
    [InlineData("gpt-4o")]
    [InlineData("GPT-4O")]
    [InlineData("latest")]
    public void Build_PoolByNameOrAlias_FoundCaseInsensitively(string name)
    {
        var snapshot = _builder.Build(Options());

        Assert.True(snapshot.TryGetPool(name, out var pool));
        Assert.Equal("Chat", pool.Name);
        Assert.Same(pool, snapshot.PoolsByName[name]);
    }

    [Fact]
    public void Build_UnknownName_NotFound()
    {
        var snapshot = _builder.Build(Options());

        Assert.False(snapshot.TryGetPool("gpt-35", out _));
        Assert.False(snapshot.TryGetPool("", out _));
    }

    [Fact]
    public void Build_Pools_EachOnceInConfigurationOrder()
    {
        var snapshot = _builder.Build(Options());

        Assert.Equal(["Chat", "embed"], snapshot.Pools.Select(p => p.Name));
        Assert.Equal(4, snapshot.PoolsByName.Count);
        Assert.Equal(3, snapshot.Forwarding.MaxAttempts);
    }

    [Fact]
    public void Build_Pool_CarriesPolicyAndSpillover()
    {
        var pool = _builder.Build(Options()).PoolsByName["chat"];

        Assert.Same(PriorityWeightedSelectionPolicy.Instance, pool.Policy);
        Assert.Equal(80, pool.SpilloverUtilizationPercent);
    }

    [Fact]
    public void Build_Backends_IndexEqualsPosition()
    {
        var snapshot = _builder.Build(Options());

        foreach (var pool in snapshot.Pools)
        {
            for (var i = 0; i < pool.Backends.Count; i++) Assert.Equal(i, pool.Backends[i].Index);
        }
        Assert.Equal(["ptu", "paygo", "openai"], snapshot.PoolsByName["chat"].Backends.Select(b => b.Name));
    }

    [Fact]
    public void Build_Backend_CopiesOptions()
    {
        var ptu = _builder.Build(Options()).PoolsByName["chat"].Backends[0];

        Assert.Equal(BackendType.Provisioned, ptu.Type);
        Assert.Equal(0, ptu.Priority);
        Assert.Equal(2, ptu.Weight);
        Assert.Equal(BackendProtocol.AzureOpenAI, ptu.Protocol);
    }

    [Fact]
    public void TargetUri_AzureOpenAI_DeploymentPathWithEscapedNameAndApiVersion()
    {
        var ptu = _builder.Build(Options()).PoolsByName["chat"].Backends[0];

        var uri = ptu.TargetUri(Chat, "2024-10-21");

        Assert.Equal("https://ptu.example.com/openai/deployments/gpt%204o%2Fptu/chat/completions?api-version=2024-10-21", uri.AbsoluteUri);
    }

    [Fact]
    public void TargetUri_AzureOpenAIEndpointWithPath_KeepsThePath()
    {
        var paygo = _builder.Build(Options()).PoolsByName["chat"].Backends[1];

        var uri = paygo.TargetUri(Chat, "2025-01-01-preview");

        Assert.Equal("https://paygo.example.com/base/openai/deployments/Chat/chat/completions?api-version=2025-01-01-preview", uri.AbsoluteUri);
    }

    [Fact]
    public void TargetUri_ApiVersionNeedsEscaping_Escaped()
    {
        var paygo = _builder.Build(Options()).PoolsByName["chat"].Backends[1];

        var uri = paygo.TargetUri(Chat, "a&b=c");

        Assert.Equal("https://paygo.example.com/base/openai/deployments/Chat/chat/completions?api-version=a%26b%3Dc", uri.AbsoluteUri);
    }

    [Fact]
    public void TargetUri_DifferentOperationsAndVersions_NotMixedUpByTheCache()
    {
        var paygo = _builder.Build(Options()).PoolsByName["chat"].Backends[1];

        var first = paygo.TargetUri(Chat, "v1").AbsoluteUri;
        var second = paygo.TargetUri(Chat, "v2").AbsoluteUri;
        var embeddings = paygo.TargetUri(Embeddings, "v1").AbsoluteUri;

        Assert.EndsWith("/chat/completions?api-version=v1", first, StringComparison.Ordinal);
        Assert.EndsWith("/chat/completions?api-version=v2", second, StringComparison.Ordinal);
        Assert.EndsWith("/embeddings?api-version=v1", embeddings, StringComparison.Ordinal);
        Assert.Equal(first, paygo.TargetUri(Chat, "v1").AbsoluteUri);
    }

    [Fact]
    public void TargetUri_OpenAIProtocol_EndpointPlusOperation()
    {
        var openai = _builder.Build(Options()).PoolsByName["chat"].Backends[2];

        Assert.Equal("https://api.example.com/v1/chat/completions", openai.TargetUri(Chat, "2024-10-21").AbsoluteUri);
        Assert.Equal("https://api.example.com/v1/embeddings", openai.TargetUri(Embeddings, "2024-10-21").AbsoluteUri);
    }

    [Fact]
    public void Build_NoDeployment_DefaultsToPoolName()
    {
        var snapshot = _builder.Build(Options());

        Assert.Equal("Chat", snapshot.PoolsByName["chat"].Backends[1].Deployment);
        Assert.Equal("embed", snapshot.PoolsByName["embed"].Backends[0].Deployment);
        Assert.Equal("gpt 4o/ptu", snapshot.PoolsByName["chat"].Backends[0].Deployment);
    }

    [Fact]
    public void Build_Deployment_AsJsonStringLiteral()
    {
        var openai = _builder.Build(Options()).PoolsByName["chat"].Backends[2];

        Assert.Equal("\"gpt-4o-2024-08-06\"", System.Text.Encoding.UTF8.GetString(openai.DeploymentUtf8JsonString.Span));
    }

    [Fact]
    public void Credential_ToString_NeverContainsTheKey()
    {
        var snapshot = _builder.Build(Options());

        foreach (var backend in snapshot.Pools.SelectMany(p => p.Backends))
        {
            var text = backend.Credential.ToString();
            Assert.False(string.IsNullOrEmpty(text));
            Assert.DoesNotContain(_secret, text, StringComparison.Ordinal);
        }
        Assert.Contains(_keyVariable, snapshot.PoolsByName["chat"].Backends[0].Credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_AzureOpenAIBackend_SendsApiKeyHeader()
    {
        var ptu = _builder.Build(Options()).PoolsByName["chat"].Backends[0];
        using var request = new HttpRequestMessage();

        await ptu.Credential.ApplyAsync(request, CancellationToken.None);

        Assert.Equal([_secret], request.Headers.GetValues("api-key"));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Credential_OpenAIBackend_SendsBearer()
    {
        var openai = _builder.Build(Options()).PoolsByName["chat"].Backends[2];
        using var request = new HttpRequestMessage();

        await openai.Credential.ApplyAsync(request, CancellationToken.None);

        Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
        Assert.Equal(_secret, request.Headers.Authorization?.Parameter);
        Assert.False(request.Headers.Contains("api-key"));
    }

    [Fact]
    public void Credential_AuthNone_NoCredential()
    {
        var local = _builder.Build(Options()).PoolsByName["embed"].Backends[0];

        Assert.Same(NoBackendCredential.Instance, local.Credential);
    }

    [Fact]
    public void Build_Consumers_KeyStoreFromConfiguration()
    {
        var snapshot = _builder.Build(Options());

        Assert.True(snapshot.Consumers.TryFind("alice-key", out var alice));
        Assert.Equal("alice", alice.Name);
        Assert.False(snapshot.Consumers.TryFind("bob-key", out _));
    }
}
