using Tokengate.Identity;

namespace Tokengate.Screening;

public sealed class ScreeningPoliciesTests
{
    private static readonly IReadOnlySet<string> NoRoles = new HashSet<string>();

    private static ScreeningPolicies Compile() => ScreeningPolicies.Compile(new ScreeningOptions
    {
        Default = new ScreeningPolicyOptions { Mode = ScreeningMode.Monitor },
        Consumers = { ["alice"] = new ScreeningPolicyOptions { Mode = ScreeningMode.Block } },
        Groups = { ["team"] = new ScreeningPolicyOptions { Mode = ScreeningMode.Annotate } },
        Deployments = { ["chat"] = new ScreeningPolicyOptions { Mode = ScreeningMode.Off } },
    });

    [Theory]
    [InlineData("alice", "team", "chat", ScreeningMode.Block, "consumer:alice")]
    [InlineData("bob", "team", "chat", ScreeningMode.Annotate, "group:team")]
    [InlineData("bob", null, "chat", ScreeningMode.Off, "deployment:chat")]
    [InlineData("bob", "other", "mini", ScreeningMode.Monitor, "default")]
    [InlineData("ALICE", null, "mini", ScreeningMode.Block, "consumer:ALICE")]
    public void Resolve_ConsumerThenGroupThenDeploymentThenDefault(string consumer, string? group, string deployment, ScreeningMode mode, string source)
    {
        var policy = Compile().Resolve(new Consumer(consumer, group, NoRoles), deployment);
        Assert.Equal(mode, policy.Mode);
        Assert.Equal(source, policy.Source, ignoreCase: true);
    }

    [Fact]
    public void Compile_NothingConfigured_NothingOnAndEveryoneOff()
    {
        var policies = ScreeningPolicies.Compile(new ScreeningOptions());
        Assert.False(policies.AnyOn);
        Assert.True(policies.Resolve(new Consumer("alice", "team", NoRoles), "chat").IsOff);
    }

    [Fact]
    public void Compile_PolicyFieldsAreTakenWholeWithTheirDefaults()
    {
        var policy = Compile().Resolve(new Consumer("alice", null, NoRoles), "chat");
        Assert.Null(policy.Detectors);
        Assert.Equal(ScreeningCombine.Any, policy.Combine);
        Assert.False(policy.ScreenHistory);
        Assert.True(policy.ScreenUntrusted);
        Assert.Equal(DetectorFailureMode.Open, policy.OnDetectorFailure);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Timeout);
    }
}
