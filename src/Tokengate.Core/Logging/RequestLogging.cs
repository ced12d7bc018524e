using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tokengate.Logging;

/// <summary>Registers request logging where permitted; the pipeline step is <see cref="RequestLogMiddleware"/>.</summary>
internal static class RequestLogging
{
    public static IServiceCollection AddRequestLogging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<RequestLogOptions>, RequestLogOptionsValidator>();
        services.AddOptions<RequestLogOptions>().Configure(o => configuration.GetSection(RequestLogOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<RequestLogPolicies>();
        services.AddSingleton<RequestLogQueue>();
        services.AddSingleton<RequestLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        return services;
    }
}
