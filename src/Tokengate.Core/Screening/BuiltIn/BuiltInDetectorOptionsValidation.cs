using Tokengate.Configuration;

namespace Tokengate.Screening.BuiltIn;

/// <summary>Checks <see cref="BuiltInDetectorOptions"/> on start (part of the gateway options' validation), naming each bad field by its path.</summary>
internal static class BuiltInDetectorOptionsValidation
{
    public static void Validate(GatewayOptions options, List<string> errors)
    {
        var threshold = options.Screening.BuiltIn.Threshold;
        if (double.IsNaN(threshold) || threshold <= 0 || threshold > 1)
            errors.Add($"{BuiltInDetectorOptions.SectionName}:Threshold: must be above 0 and at most 1 (was {threshold}).");
    }
}
