using Tokengate.Configuration;

namespace Tokengate.Screening;

public sealed class ScreeningOptionsValidationTests
{
    private static List<string> Validate(Action<ScreeningOptions> configure)
    {
        var options = new GatewayOptions { Pools = { ["chat"] = new PoolOptions() } };
        configure(options.Screening);
        var errors = new List<string>();
        ScreeningOptionsValidation.Validate(options, errors);
        return errors;
    }

    [Fact]
    public void Validate_Defaults_NoErrors() => Assert.Empty(Validate(_ => { }));

    [Fact]
    public void Validate_KnownDetectors_NoErrors() =>
        Assert.Empty(Validate(s => s.Default = new ScreeningPolicyOptions { Mode = ScreeningMode.Block, Detectors = ["rules", "builtin", "onnx", "PromptShields"] }));

    [Fact]
    public void Validate_UnknownDetector_NamesItsPath()
    {
        var error = Assert.Single(Validate(s => s.Consumers["app"] = new ScreeningPolicyOptions { Detectors = ["rules", "lakera"] }));
        Assert.StartsWith("Tokengate:Screening:Consumers:app:Detectors:1: 'lakera' is not a detector", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TimeoutOutOfRangeAndDuplicateDetector_BothReported()
    {
        var errors = Validate(s => s.Groups["team"] = new ScreeningPolicyOptions { Timeout = TimeSpan.Zero, Detectors = ["rules", "RULES"] });
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Screening:Groups:team:Timeout:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Screening:Groups:team:Detectors:1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DeploymentThatIsNoPool_Reported()
    {
        var error = Assert.Single(Validate(s => s.Deployments["nope"] = new ScreeningPolicyOptions()));
        Assert.Equal("Tokengate:Screening:Deployments:nope: 'nope' is not a pool.", error);
    }

    [Fact]
    public void Validate_EmptyDetectorListWhileScreening_Reported() =>
        Assert.Single(Validate(s => s.Default = new ScreeningPolicyOptions { Mode = ScreeningMode.Monitor, Detectors = [] }));
}
