using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tokengate.Screening;

/// <summary>Registers prompt screening: the step, its metrics and the <c>rules</c> detector.</summary>
internal static class PromptScreening
{
    /// <summary>
    /// Adds the screen step and the <c>rules</c> detector. Other detectors register themselves as
    /// <see cref="IPromptDetector"/>; the step finds each by its <see cref="IPromptDetector.Name"/>.
    /// </summary>
    public static IServiceCollection AddPromptScreening(this IServiceCollection services)
    {
        services.TryAddSingleton<ScreeningMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptDetector, RulesDetector>());
        services.TryAddSingleton<ScreenStep>();
        return services;
    }
}
