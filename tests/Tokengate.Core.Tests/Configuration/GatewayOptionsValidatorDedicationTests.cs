using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary><c>Tokengate:Pools:{pool}:DedicatedTo</c> checked on start.</summary>
public sealed class GatewayOptionsValidatorDedicationTests
{
    private readonly GatewayOptionsValidator _validator = new(new EnvironmentSecretResolver());

    private static PoolOptions Pool(string backend, PoolDedicationOptions? dedicatedTo = null, params string[] aliases) => new()
    {
        Aliases = [.. aliases],
        DedicatedTo = dedicatedTo,
        Backends = [new BackendOptions { Name = backend, Endpoint = $"http://{backend}.example.com", Auth = BackendAuthMode.None }],
    };

    private static GatewayOptions Options(PoolDedicationOptions a, PoolDedicationOptions? b = null)
    {
        var options = new GatewayOptions
        {
            Pools =
            {
                ["gpt-4o"] = Pool("shared", null, "chat"),
                ["gpt-4o-team-a"] = Pool("a", a),
            },
        };
        if (b is not null) options.Pools["gpt-4o-team-b"] = Pool("b", b);
        return options;
    }

    private string SingleFailure(GatewayOptions options)
    {
        var result = _validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        Assert.True(result.Failed, "the options passed");
        return Assert.Single(result.Failures!);
    }

    [Fact]
    public void Validate_BindingByNameOrAlias_Passes()
    {
        var options = Options(
            new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a"], Overflow = true, OverflowPriority = "normal" },
            new PoolDedicationOptions { Deployment = "CHAT", Groups = ["team-b"] });

        Assert.True(_validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options).Succeeded);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("gpt-35", "'gpt-35' is not a pool name or alias")]
    [InlineData("gpt-4o-team-a", "is this pool")]
    public void Validate_DeploymentNotAnotherPool_FailureAtDeployment(string deployment, string message)
    {
        var failure = SingleFailure(Options(new PoolDedicationOptions { Deployment = deployment, Groups = ["team-a"] }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-a:DedicatedTo:Deployment: ", failure, StringComparison.Ordinal);
        Assert.Contains(message, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeploymentIsADedicatedPool_FailureAtDeployment()
    {
        var failure = SingleFailure(Options(
            new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a"] },
            new PoolDedicationOptions { Deployment = "gpt-4o-team-a", Groups = ["team-b"] }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-b:DedicatedTo:Deployment: ", failure, StringComparison.Ordinal);
        Assert.Contains("is a dedicated pool itself", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoGroups_FailureAtGroups()
    {
        var failure = SingleFailure(Options(new PoolDedicationOptions { Deployment = "gpt-4o" }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-a:DedicatedTo:Groups: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyGroup_FailureAtGroups()
    {
        var failure = SingleFailure(Options(new PoolDedicationOptions { Deployment = "gpt-4o", Groups = [" "] }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-a:DedicatedTo:Groups: a group is empty", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GroupBoundTwiceForOneDeploymentEvenByAlias_FailureNamingTheOtherPool()
    {
        var failure = SingleFailure(Options(
            new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a"] },
            new PoolDedicationOptions { Deployment = "chat", Groups = ["Team-A"] }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-b:DedicatedTo:Groups: ", failure, StringComparison.Ordinal);
        Assert.Contains("'gpt-4o-team-a'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameGroupForDifferentDeployments_Passes()
    {
        var options = Options(new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a"] });
        options.Pools["embed"] = Pool("embed");
        options.Pools["embed-team-a"] = Pool("embed-a", new PoolDedicationOptions { Deployment = "embed", Groups = ["team-a"] });

        Assert.True(_validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_UnknownOverflowClass_FailureNamingTheClasses()
    {
        var failure = SingleFailure(Options(new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a"], Overflow = true, OverflowPriority = "bulk" }));

        Assert.StartsWith("Tokengate:Pools:gpt-4o-team-a:DedicatedTo:OverflowPriority: ", failure, StringComparison.Ordinal);
        Assert.Contains("high, normal, low", failure, StringComparison.Ordinal);
    }
}
