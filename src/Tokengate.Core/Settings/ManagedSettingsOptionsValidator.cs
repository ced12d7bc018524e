using Microsoft.Extensions.Options;

namespace Tokengate.Settings;

/// <summary>Checks <see cref="ManagedSettingsOptions"/> on start, naming each bad field.</summary>
internal sealed class ManagedSettingsOptionsValidator : IValidateOptions<ManagedSettingsOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagedSettingsOptions options) =>
        options.PollInterval < TimeSpan.FromSeconds(1) || options.PollInterval > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{ManagedSettingsOptions.SectionName}:PollInterval: must be between 00:00:01 and 01:00:00 (was {options.PollInterval}).")
            : ValidateOptionsResult.Success;
}
