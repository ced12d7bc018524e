using Microsoft.Extensions.Options;

namespace Tokengate.Audit;

/// <summary>Checks <see cref="AuditOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        const string P = AuditOptions.SectionName;
        var errors = new List<string>();
        if (options.FailureInterval < TimeSpan.FromSeconds(1) || options.FailureInterval > TimeSpan.FromHours(1))
            errors.Add($"{P}:FailureInterval: must be between 00:00:01 and 01:00:00 (was {options.FailureInterval}).");
        if (options.MaxFailureRecordsPerInterval is < 1 or > 100_000)
            errors.Add($"{P}:MaxFailureRecordsPerInterval: must be 1 to 100000 (was {options.MaxFailureRecordsPerInterval}).");
        if (options.FailureQueueCapacity is < 100 or > 1_000_000)
            errors.Add($"{P}:FailureQueueCapacity: must be 100 to 1000000 (was {options.FailureQueueCapacity}).");
        if (options.MaxFieldLength is < 16 or > 4096)
            errors.Add($"{P}:MaxFieldLength: must be 16 to 4096 (was {options.MaxFieldLength}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
