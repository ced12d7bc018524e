using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>Checks <see cref="AuthFailureOptions"/> on start, naming each bad field.</summary>
internal sealed class AuthFailureOptionsValidator : IValidateOptions<AuthFailureOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthFailureOptions options)
    {
        const string P = AuthFailureOptions.SectionName;
        var errors = new List<string>();
        if (options.Limit < 1) errors.Add($"{P}:Limit: must be at least 1 (was {options.Limit}).");
        if (options.Window < TimeSpan.FromSeconds(1) || options.Window > TimeSpan.FromDays(1))
            errors.Add($"{P}:Window: must be between 00:00:01 and 1.00:00:00 (was {options.Window}).");
        if (options.MaxTrackedAddresses < 100) errors.Add($"{P}:MaxTrackedAddresses: must be at least 100 (was {options.MaxTrackedAddresses}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
