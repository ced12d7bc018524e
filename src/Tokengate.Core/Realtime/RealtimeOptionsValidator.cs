using Microsoft.Extensions.Options;

namespace Tokengate.Realtime;

/// <summary>Checks <see cref="RealtimeOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class RealtimeOptionsValidator : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions o)
    {
        const string P = RealtimeOptions.SectionName;
        var errors = new List<string>();
        if (o.RevocationCheckInterval < TimeSpan.FromMilliseconds(50) || o.RevocationCheckInterval > TimeSpan.FromSeconds(1))
            errors.Add($"{P}:RevocationCheckInterval: must be 00:00:00.050 to 00:00:01 (was {o.RevocationCheckInterval}), so a revoked key ends its sessions within a second.");
        if (!Enum.IsDefined(o.ClientSecrets))
            errors.Add($"{P}:ClientSecrets: must be {nameof(ClientSecretsPolicy.RefuseMetered)} or {nameof(ClientSecretsPolicy.RefuseAll)} (was {o.ClientSecrets}).");
        if (o.MaxEventBytes is < 64 * 1024 or > 256 * 1024 * 1024)
            errors.Add($"{P}:MaxEventBytes: must be 65536 to 268435456 (was {o.MaxEventBytes}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
