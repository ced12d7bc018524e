using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Storage;

/// <summary>Checks <see cref="DataOptions"/> on start, naming each bad field.</summary>
internal sealed class DataOptionsValidator(ISecretResolver secrets) : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        const string P = DataOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory)) errors.Add($"{P}:Directory: required.");
        if (options.Provider == DatabaseProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                errors.Add($"{P}:ConnectionString: required with PostgreSql; give a secret reference such as 'env:TOKENGATE_POSTGRES'.");
            else if (secrets.Check(options.ConnectionString) is { } problem)
                errors.Add($"{P}:ConnectionString: {problem}");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
