namespace Tokengate.Advice;

public sealed class AdviceOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new AdviceOptionsValidator().Validate(null, new AdviceOptions()).Succeeded);

    [Fact]
    public void Validate_BadFields_EachNamedByItsPath()
    {
        var options = new AdviceOptions
        {
            Percentile = 30,
            PtuYearlyReservationUsd = -1,
            Models = { ["gpt-x"] = new PtuModelOptions { TokensPerMinutePerPtu = 0, PtuIncrement = 0 } },
            ProvisionedUnits = { ["ptu"] = 0 },
        };

        var result = new AdviceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Advice:Percentile", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("prices", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Advice:Models:gpt-x:TokensPerMinutePerPtu", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Advice:Models:gpt-x:PtuIncrement", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Advice:ProvisionedUnits:ptu", StringComparison.Ordinal));
    }
}
