using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tokengate.Screening.BuiltIn;

/// <summary>Registers the built-in detector as one of the <see cref="IPromptDetector"/>s, with its options.</summary>
internal static class BuiltInRegistration
{
    public static IServiceCollection AddBuiltInScreening(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BuiltInDetectorOptions>, BuiltInDetectorOptionsValidator>());
        services.AddOptions<BuiltInDetectorOptions>().Configure(o => configuration.GetSection(BuiltInDetectorOptions.SectionName).Bind(o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptDetector, BuiltInDetector>());
        return services;
    }
}
