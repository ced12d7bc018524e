using Microsoft.Extensions.Options;

namespace Tokengate.Elevation;

/// <summary>Checks <see cref="ElevationOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class ElevationOptionsValidator : IValidateOptions<ElevationOptions>
{
    public ValidateOptionsResult Validate(string? name, ElevationOptions o)
    {
        const string P = ElevationOptions.SectionName;
        var errors = new List<string>();
        if (o.MaxDuration <= TimeSpan.Zero || o.MaxDuration > TimeSpan.FromDays(7))
            errors.Add($"{P}:MaxDuration: must be between 00:00:01 and 7.00:00:00 (was {o.MaxDuration}).");
        if (o.DefaultDuration <= TimeSpan.Zero || o.DefaultDuration > o.MaxDuration)
            errors.Add($"{P}:DefaultDuration: must be positive and at most MaxDuration {o.MaxDuration} (was {o.DefaultDuration}).");
        foreach (var role in o.SelfApproveRoles)
        {
            if (!ElevationService.ElevatableRoles.Contains(role, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{P}:SelfApproveRoles: '{role}' is not an elevatable role (known: {string.Join(", ", ElevationService.ElevatableRoles)}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
