using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>Checks <see cref="KeyStoreOptions"/> on start, naming each bad field.</summary>
internal sealed class KeyStoreOptionsValidator : IValidateOptions<KeyStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyStoreOptions options)
    {
        var errors = new List<string>();
        if (options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromHours(1))
            errors.Add($"{KeyStoreOptions.SectionName}:RefreshInterval: must be between 00:00:01 and 01:00:00 (was {options.RefreshInterval}).");
        if (options.MaxStaleness < options.RefreshInterval || options.MaxStaleness > TimeSpan.FromDays(7))
            errors.Add($"{KeyStoreOptions.SectionName}:MaxStaleness: must be between RefreshInterval ({options.RefreshInterval}) and 7.00:00:00 (was {options.MaxStaleness}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
