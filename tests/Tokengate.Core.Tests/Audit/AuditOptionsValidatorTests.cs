using System.Globalization;

namespace Tokengate.Audit;

public sealed class AuditOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.True(new AuditOptionsValidator().Validate(null, new AuditOptions()).Succeeded);

    [Theory]
    [InlineData("FailureInterval", "00:00:00.5")]
    [InlineData("FailureInterval", "01:00:01")]
    [InlineData("MaxFailureRecordsPerInterval", "0")]
    [InlineData("FailureQueueCapacity", "99")]
    [InlineData("MaxFieldLength", "15")]
    [InlineData("MaxFieldLength", "4097")]
    public void Validate_OutOfRange_NamesThePath(string field, string value)
    {
        var options = new AuditOptions();
        var property = typeof(AuditOptions).GetProperty(field)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : int.Parse(value, CultureInfo.InvariantCulture));
        var result = new AuditOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.StartsWith($"Tokengate:Audit:{field}:", result.FailureMessage, StringComparison.Ordinal);
    }
}
