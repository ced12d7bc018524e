using Microsoft.Extensions.Options;

namespace Tokengate.Affinity;

/// <summary>Checks <see cref="AffinityOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class AffinityOptionsValidator : IValidateOptions<AffinityOptions>
{
    public ValidateOptionsResult Validate(string? name, AffinityOptions options)
    {
        const string P = AffinityOptions.SectionName;
        var errors = new List<string>();
        if (options.Lifetime < TimeSpan.FromHours(1) || options.Lifetime > TimeSpan.FromDays(400))
            errors.Add($"{P}:Lifetime: must be between 01:00:00 and 400.00:00:00 (was {options.Lifetime}).");
        if (options.MaxRecords is < 1_000 or > 100_000_000)
            errors.Add($"{P}:MaxRecords: must be 1000 to 100000000 (was {options.MaxRecords}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
