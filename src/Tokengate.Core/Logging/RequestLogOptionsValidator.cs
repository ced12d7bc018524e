using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Logging;

/// <summary>Checks <see cref="RequestLogOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class RequestLogOptionsValidator(ISecretResolver secrets) : IValidateOptions<RequestLogOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLogOptions o)
    {
        const string P = RequestLogOptions.SectionName;
        var errors = new List<string>();
        var anyFull = o.DefaultPolicy == RequestLogPolicy.Full || o.Consumers.ContainsValue(RequestLogPolicy.Full) || o.Groups.ContainsValue(RequestLogPolicy.Full);
        if (anyFull && string.IsNullOrWhiteSpace(o.EncryptionKey))
            errors.Add($"{P}:EncryptionKey: required when a policy is Full (a secret reference such as 'env:TOKENGATE_LOG_KEY' to 32 bytes in base64).");
        else if (o.EncryptionKey is { } key && secrets.Check(key) is { } problem)
            errors.Add($"{P}:EncryptionKey: {problem}");
        if (o.RetentionDays is < 1 or > 3650) errors.Add($"{P}:RetentionDays: must be 1 to 3650 (was {o.RetentionDays}).");
        if (o.QueueCapacity is < 1 or > 1_000_000) errors.Add($"{P}:QueueCapacity: must be 1 to 1000000 (was {o.QueueCapacity}).");
        foreach (var (patternName, pattern) in o.RedactionPatterns)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{P}:RedactionPatterns:{patternName}: not a valid regular expression ({ex.Message}).");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
