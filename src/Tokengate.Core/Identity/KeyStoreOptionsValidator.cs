using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

/// <summary>Checks <see cref="KeyStoreOptions"/> on start, naming each bad field.</summary>
internal sealed class KeyStoreOptionsValidator : IValidateOptions<KeyStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyStoreOptions options) =>
        options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{KeyStoreOptions.SectionName}:RefreshInterval: must be between 00:00:01 and 01:00:00 (was {options.RefreshInterval}).")
            : ValidateOptionsResult.Success;
}
