using Tokengate.Alerts;

namespace Tokengate.Alerts;

public sealed class AlertsOptionsValidatorTests
{
    [Fact]
    public void Validate_ClearAtOnTheWrongSide_NamesTheConfigurationPath()
    {
        var options = new AlertsOptions
        {
            WebhookUrls = ["not a url"],
            Rules = [new CapacityAlertRule { Name = "u", Metric = AlertMetric.Utilization, FireAt = 80, ClearAt = 85 }],
        };
        var result = new AlertsOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Alerts:Rules:0:ClearAt", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Alerts:WebhookUrls:0", StringComparison.Ordinal));
    }

    [Fact]
    public void EffectiveRules_NoneConfigured_AreTheDefaults()
    {
        Assert.Equal(4, new AlertsOptions().EffectiveRules.Count);
        Assert.True(new AlertsOptionsValidator().Validate(null, new AlertsOptions()).Succeeded);
    }
}
