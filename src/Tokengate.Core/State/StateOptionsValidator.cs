using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.State;

/// <summary>Checks <see cref="StateOptions"/> on start, naming each bad field.</summary>
internal sealed class StateOptionsValidator(ISecretResolver secrets) : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        const string P = StateOptions.SectionName;
        var errors = new List<string>();
        if (options.InstanceCount is < 1 or > 1000) errors.Add($"{P}:InstanceCount: must be between 1 and 1000 (was {options.InstanceCount}).");
        if (options.ReservationLifetime <= TimeSpan.Zero) errors.Add($"{P}:ReservationLifetime: must be positive (was {options.ReservationLifetime}).");
        if (options.Provider == StateProvider.Redis)
        {
            var redis = options.Redis;
            if (string.IsNullOrWhiteSpace(redis.ConnectionString))
                errors.Add($"{P}:Redis:ConnectionString: required with Redis; give a secret reference such as 'env:TOKENGATE_REDIS'.");
            else if (secrets.Check(redis.ConnectionString) is { } problem)
                errors.Add($"{P}:Redis:ConnectionString: {problem}");
            if (string.IsNullOrWhiteSpace(redis.KeyPrefix)) errors.Add($"{P}:Redis:KeyPrefix: required.");
            if (redis.OperationTimeout <= TimeSpan.Zero) errors.Add($"{P}:Redis:OperationTimeout: must be positive (was {redis.OperationTimeout}).");
            if (redis.ReconnectInterval <= TimeSpan.Zero) errors.Add($"{P}:Redis:ReconnectInterval: must be positive (was {redis.ReconnectInterval}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
