using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tokengate.Screening.BuiltIn;

/// <summary>Registers the built-in detector as one of the <see cref="IPromptDetector"/>s.</summary>
internal static class BuiltInRegistration
{
    /// <summary>Adds the <c>builtin</c> detector; it reads <c>Tokengate:Screening:BuiltIn</c> from the gateway options.</summary>
    public static IServiceCollection AddBuiltInScreening(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptDetector, BuiltInDetector>());
        return services;
    }
}
