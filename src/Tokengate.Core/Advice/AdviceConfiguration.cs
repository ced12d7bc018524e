using Microsoft.Extensions.Configuration;

namespace Tokengate.Advice;

/// <summary>Reads and checks <c>Tokengate:Advice</c> from a configuration, for the command and the endpoint alike.</summary>
internal static class AdviceConfiguration
{
    public static AdviceOptions Read(IConfiguration configuration, out IReadOnlyList<string>? errors)
    {
        var options = new AdviceOptions();
        configuration.GetSection(AdviceOptions.SectionName).Bind(options);
        var result = new AdviceOptionsValidator().Validate(null, options);
        errors = result.Failed ? result.Failures?.ToList() ?? [result.FailureMessage] : null;
        return options;
    }
}
