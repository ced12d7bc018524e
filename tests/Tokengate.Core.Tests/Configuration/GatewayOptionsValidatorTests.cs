using Microsoft.Extensions.Options;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

public sealed class GatewayOptionsValidatorTests : IDisposable
{
    private readonly string _keyVariable = "TOKENGATE_TEST_KEY_" + Guid.NewGuid().ToString("N");
    private readonly string _secret = "s3cr3t-value-" + Guid.NewGuid().ToString("N");
    private readonly GatewayOptionsValidator _validator = new(new EnvironmentSecretResolver());

    public GatewayOptionsValidatorTests()
    {
        Environment.SetEnvironmentVariable(_keyVariable, _secret);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_keyVariable, null);

    private GatewayOptions ValidOptions() => new()
    {
        Pools =
        {
            ["chat"] = new PoolOptions
            {
                Aliases = ["gpt-4o"],
                Backends =
                [
                    new BackendOptions { Name = "chat-eastus", Endpoint = "https://eastus.example.com/", ApiKey = "env:" + _keyVariable, Priority = 0, Weight = 3 },
                    new BackendOptions { Name = "chat-openai", Endpoint = "https://api.example.com/v1", Protocol = BackendProtocol.OpenAI, ApiKey = "env:" + _keyVariable },
                    new BackendOptions { Name = "chat-entra", Endpoint = "http://localhost:5100", Auth = BackendAuthMode.EntraId, Priority = 100, Weight = 1000 },
                ],
            },
            ["embed"] = new PoolOptions
            {
                Aliases = ["text-embedding-3-small"],
                Backends = [new BackendOptions { Name = "embed-local", Endpoint = "http://127.0.0.1:8080", Auth = BackendAuthMode.None }],
            },
        },
        Consumers =
        {
            ["alice"] = new ConsumerOptions { KeyHashes = [KeyHash.Format("alice-key-1"), KeyHash.Format("alice-key-2")] },
            ["bob"] = new ConsumerOptions { KeyHashes = [KeyHash.Format("bob-key")] },
        },
    };

    private string SingleFailure(GatewayOptions options)
    {
        var result = _validator.Validate(Options.DefaultName, options);
        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.DoesNotContain(_secret, failure, StringComparison.Ordinal);
        return failure;
    }

    private void AssertSingleFailureAt(GatewayOptions options, string path)
    {
        var failure = SingleFailure(options);
        Assert.StartsWith(path, failure, StringComparison.Ordinal);
        Assert.True(failure.Length > path.Length + 1, $"'{failure}' has no explanation after the path.");
    }

    [Fact]
    public void Validate_ValidConfiguration_Succeeds()
    {
        var result = _validator.Validate(Options.DefaultName, ValidOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("-1.00:00:00")]
    [InlineData("12:00:00")]
    public void Validate_LedgerRetentionNegativeOrUnderADay_FailsAtItsPath(string value)
    {
        var options = ValidOptions();
        options.Accounting.LedgerRetention = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        AssertSingleFailureAt(options, "Tokengate:Accounting:LedgerRetention:");
    }

    [Fact]
    public void Validate_LedgerRetentionZero_KeepsForever_Succeeds()
    {
        var options = ValidOptions();
        options.Accounting.LedgerRetention = TimeSpan.Zero;

        Assert.True(_validator.Validate(Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_NoConsumers_Succeeds()
    {
        var options = ValidOptions();
        options.Consumers.Clear();

        Assert.True(_validator.Validate(Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_NoPools_FailsAtPools()
    {
        var options = ValidOptions();
        options.Pools.Clear();

        AssertSingleFailureAt(options, "Tokengate:Pools:");
    }

    [Fact]
    public void Validate_EmptyBackends_FailsAtBackends()
    {
        var options = ValidOptions();
        options.Pools["embed"].Backends.Clear();

        AssertSingleFailureAt(options, "Tokengate:Pools:embed:Backends:");
    }

    [Fact]
    public void Validate_DuplicateBackendNameAcrossPools_FailsAtSecondName()
    {
        var options = ValidOptions();
        options.Pools["embed"].Backends[0].Name = "CHAT-EASTUS";

        AssertSingleFailureAt(options, "Tokengate:Pools:embed:Backends:0:Name:");
    }

    [Fact]
    public void Validate_MissingBackendName_FailsAtName()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[1].Name = " ";

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:1:Name:");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("eastus.example.com")]
    [InlineData("/relative/path")]
    [InlineData("ftp://example.com/")]
    public void Validate_BadEndpoint_FailsAtEndpoint(string endpoint)
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].Endpoint = endpoint;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:Endpoint:");
    }

    [Theory]
    [InlineData("https://eastus.example.com/?api-version=1")]
    [InlineData("https://eastus.example.com/#frag")]
    public void Validate_EndpointWithQueryOrFragment_FailsAtEndpoint(string endpoint)
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].Endpoint = endpoint;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:Endpoint:");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Validate_WeightOutOfRange_FailsAtWeight(int weight)
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].Weight = weight;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:Weight:");
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public void Validate_PriorityOutOfRange_FailsAtPriority(int priority)
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[2].Priority = priority;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:2:Priority:");
    }

    [Fact]
    public void Validate_UnknownSelectionPolicy_FailsAtSelectionPolicy()
    {
        var options = ValidOptions();
        options.Pools["chat"].SelectionPolicy = "round-robin";

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:SelectionPolicy:");
    }

    [Fact]
    public void Validate_SelectionPolicyOtherCase_Succeeds()
    {
        var options = ValidOptions();
        options.Pools["chat"].SelectionPolicy = "Priority-Weighted";

        Assert.True(_validator.Validate(Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_PlainKeyInApiKey_FailsAtApiKeyWithoutEchoingTheKey()
    {
        const string PlainKey = "0123456789abcdef-plain-backend-key";
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].ApiKey = PlainKey;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:ApiKey:");
        Assert.DoesNotContain(PlainKey, SingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingApiKey_FailsAtApiKey()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[1].ApiKey = null;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:1:ApiKey:");
    }

    [Fact]
    public void Validate_EnvReferenceToUnsetVariable_FailsAtApiKeyNamingTheVariable()
    {
        var unset = "TOKENGATE_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].ApiKey = "env:" + unset;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:ApiKey:");
        Assert.Contains(unset, SingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EntraIdWithOpenAIProtocol_FailsAtAuth()
    {
        var options = ValidOptions();
        var backend = options.Pools["chat"].Backends[1];
        backend.Auth = BackendAuthMode.EntraId;
        backend.ApiKey = null;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:1:Auth:");
    }

    [Fact]
    public void Validate_ApiKeyWithAuthNone_FailsAtApiKey()
    {
        var options = ValidOptions();
        options.Pools["embed"].Backends[0].ApiKey = "env:" + _keyVariable;

        AssertSingleFailureAt(options, "Tokengate:Pools:embed:Backends:0:ApiKey:");
    }

    [Fact]
    public void Validate_DuplicateAlias_FailsAtSecondPoolAliases()
    {
        var options = ValidOptions();
        options.Pools["embed"].Aliases.Add("GPT-4O");

        AssertSingleFailureAt(options, "Tokengate:Pools:embed:Aliases:");
    }

    [Fact]
    public void Validate_AliasEqualToEarlierPoolName_FailsAtAliases()
    {
        var options = ValidOptions();
        options.Pools["embed"].Aliases.Add("chat");

        AssertSingleFailureAt(options, "Tokengate:Pools:embed:Aliases:");
    }

    [Fact]
    public void Validate_EmptyAlias_FailsAtAliases()
    {
        var options = ValidOptions();
        options.Pools["chat"].Aliases.Add("");

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Aliases:");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void Validate_MaxAttemptsOutOfRange_FailsAtMaxAttempts(int attempts)
    {
        var options = ValidOptions();
        options.Forwarding.MaxAttempts = attempts;

        AssertSingleFailureAt(options, "Tokengate:Forwarding:MaxAttempts:");
    }

    [Fact]
    public void Validate_NegativeDeadline_FailsAtDeadline()
    {
        var options = ValidOptions();
        options.Forwarding.Deadline = TimeSpan.FromSeconds(-1);

        AssertSingleFailureAt(options, "Tokengate:Forwarding:Deadline:");
    }

    [Fact]
    public void Validate_ZeroBreakerOpenDuration_FailsAtBreakerOpenDuration()
    {
        var options = ValidOptions();
        options.Forwarding.BreakerOpenDuration = TimeSpan.Zero;

        AssertSingleFailureAt(options, "Tokengate:Forwarding:BreakerOpenDuration:");
    }

    [Fact]
    public void Validate_ConsumerWithThreeKeyHashes_FailsAtKeyHashes()
    {
        var options = ValidOptions();
        options.Consumers["alice"].KeyHashes.Add(KeyHash.Format("alice-key-3"));

        AssertSingleFailureAt(options, "Tokengate:Consumers:alice:KeyHashes:");
    }

    [Fact]
    public void Validate_ConsumerWithNoKeyHashes_FailsAtKeyHashes()
    {
        var options = ValidOptions();
        options.Consumers["bob"].KeyHashes.Clear();

        AssertSingleFailureAt(options, "Tokengate:Consumers:bob:KeyHashes:");
    }

    [Theory]
    [InlineData("bob-plain-key")]
    [InlineData("sha256:1234")]
    [InlineData("md5:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Validate_MalformedKeyHash_FailsAtThatHash(string hash)
    {
        var options = ValidOptions();
        options.Consumers["bob"].KeyHashes[0] = hash;

        AssertSingleFailureAt(options, "Tokengate:Consumers:bob:KeyHashes:0:");
        Assert.DoesNotContain(hash, SingleFailure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameKeyHashForTwoConsumers_FailsAtSecondConsumer()
    {
        var options = ValidOptions();
        options.Consumers["bob"].KeyHashes[0] = KeyHash.Format("alice-key-2");

        AssertSingleFailureAt(options, "Tokengate:Consumers:bob:KeyHashes:0:");
    }

    [Fact]
    public void Validate_SameKeyHashInOtherCase_FailsAtSecondConsumer()
    {
        var options = ValidOptions();
        options.Consumers["bob"].KeyHashes[0] = KeyHash.Format("alice-key-1").ToUpperInvariant();

        AssertSingleFailureAt(options, "Tokengate:Consumers:bob:KeyHashes:0:");
    }

    [Fact]
    public void Validate_ManyErrors_AllReportedAndNoneContainsTheSecret()
    {
        var options = ValidOptions();
        options.Forwarding.MaxAttempts = 0;
        options.Pools["chat"].Backends[0].Endpoint = "not a url";
        options.Pools["chat"].Backends[1].Weight = 0;
        options.Pools["embed"].Backends[0].ApiKey = "env:" + _keyVariable;
        options.Consumers["bob"].KeyHashes[0] = "nope";

        var result = _validator.Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Tokengate:", f, StringComparison.Ordinal));
        Assert.DoesNotContain(_secret, result.FailureMessage, StringComparison.Ordinal);
        foreach (var failure in result.Failures!) Assert.DoesNotContain(_secret, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceTiersForKnownClassesAndTiers_Succeeds()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].ServiceTiers["low"] = "flex";
        options.Pools["chat"].Backends[0].ServiceTiers["HIGH"] = "priority";
        options.Consumers["alice"].AllowedServiceTiers = ["priority", "auto"];

        Assert.True(_validator.Validate(Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_ServiceTierForUnknownClass_FailsAtTheMapping()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].ServiceTiers["urgent"] = "priority";

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:ServiceTiers:urgent");
    }

    [Fact]
    public void Validate_UnknownServiceTierValue_FailsAtTheMapping()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].ServiceTiers["low"] = "cheap";

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:ServiceTiers:low");
    }

    [Fact]
    public void Validate_ConsumerAllowedUnknownTier_FailsAtTheConsumer()
    {
        var options = ValidOptions();
        options.Consumers["bob"].AllowedServiceTiers = ["scale"];

        AssertSingleFailureAt(options, "Tokengate:Consumers:bob:AllowedServiceTiers");
    }

    [Fact]
    public void Validate_NegativeServiceTierMultiplier_FailsAtTheMultiplier()
    {
        var options = ValidOptions();
        options.Accounting.ServiceTierMultipliers["flex"] = -1;

        AssertSingleFailureAt(options, "Tokengate:Accounting:ServiceTierMultipliers:flex");
    }

    [Fact]
    public void Validate_PolicyForUnknownClass_FailsAtPolicies()
    {
        var options = ValidOptions();
        options.Priority.Policies["urgent"] = new Priority.PriorityClassOptions { MaxWait = TimeSpan.FromSeconds(5) };

        AssertSingleFailureAt(options, "Tokengate:Priority:Policies:urgent:");
    }

    [Fact]
    public void Validate_NegativeMaxWait_FailsAtMaxWait()
    {
        var options = ValidOptions();
        options.Priority.Policies["low"] = new Priority.PriorityClassOptions { MaxWait = TimeSpan.FromSeconds(-1) };

        AssertSingleFailureAt(options, "Tokengate:Priority:Policies:low:MaxWait:");
    }

    [Fact]
    public void Validate_PoolClassThresholdForUnknownClass_FailsAtClassUtilizationPercent()
    {
        var options = ValidOptions();
        options.Pools["chat"].ClassUtilizationPercent["urgent"] = 50;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:ClassUtilizationPercent:urgent:");
    }

    [Fact]
    public void Validate_ProvisionedTokensPerMinuteOnStandardBackend_FailsAtIt()
    {
        var options = ValidOptions();
        options.Pools["chat"].Backends[0].Type = BackendType.Standard;
        options.Pools["chat"].Backends[0].ProvisionedTokensPerMinute = 10_000;

        AssertSingleFailureAt(options, "Tokengate:Pools:chat:Backends:0:ProvisionedTokensPerMinute:");
    }
}
