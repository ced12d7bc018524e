using Microsoft.Extensions.Options;

namespace Tokengate.Screening.BuiltIn;

/// <summary>Checks <see cref="BuiltInDetectorOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class BuiltInDetectorOptionsValidator : IValidateOptions<BuiltInDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, BuiltInDetectorOptions options)
    {
        if (double.IsNaN(options.Threshold) || options.Threshold <= 0 || options.Threshold > 1)
            return ValidateOptionsResult.Fail($"{BuiltInDetectorOptions.SectionName}:Threshold: must be above 0 and at most 1 (was {options.Threshold}).");
        return ValidateOptionsResult.Success;
    }
}
