using System.Globalization;

namespace Tokengate.Affinity;

public sealed class AffinityOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds_AndKeepRecordsAsLongAsAzureKeepsResponses()
    {
        var options = new AffinityOptions();
        Assert.True(new AffinityOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((TimeSpan.FromDays(30), 1_000_000), (options.Lifetime, options.MaxRecords));
    }

    [Theory]
    [InlineData("Lifetime", "00:59:59")]
    [InlineData("Lifetime", "400.00:00:01")]
    [InlineData("MaxRecords", "999")]
    [InlineData("MaxRecords", "100000001")]
    public void Validate_OutOfRange_NamesThePath(string field, string value)
    {
        var options = new AffinityOptions();
        var property = typeof(AffinityOptions).GetProperty(field)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : int.Parse(value, CultureInfo.InvariantCulture));
        var result = new AffinityOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.StartsWith($"Tokengate:Affinity:{field}:", result.FailureMessage, StringComparison.Ordinal);
    }
}
