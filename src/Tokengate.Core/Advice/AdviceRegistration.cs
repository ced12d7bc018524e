using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tokengate.Advice;

/// <summary>Registers <c>Tokengate:Advice</c>, bound and validated on start, for <c>GET /admin/advice</c>.</summary>
internal static class AdviceRegistration
{
    public static IServiceCollection AddAdvice(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AdviceOptions>, AdviceOptionsValidator>();
        services.AddOptions<AdviceOptions>().Configure(o => configuration.GetSection(AdviceOptions.SectionName).Bind(o)).ValidateOnStart();
        return services;
    }
}
