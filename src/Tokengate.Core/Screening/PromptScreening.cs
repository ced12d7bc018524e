using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tokengate.Screening.BuiltIn;
using Tokengate.Screening.Onnx;
using Tokengate.Screening.PromptShields;

namespace Tokengate.Screening;

/// <summary>Registers prompt screening: the step, its metrics and every detector.</summary>
internal static class PromptScreening
{
    /// <summary>
    /// Adds the screen step and the detectors: <c>rules</c> and <c>builtin</c> always, <c>onnx</c> when a model file is
    /// configured, <c>promptshields</c> when an endpoint is. The step finds each by its <see cref="IPromptDetector.Name"/>.
    /// Prompt Shields needs the outbound client and the secret resolver that <c>AddGateway</c> registers.
    /// </summary>
    public static IServiceCollection AddPromptScreening(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<ScreeningMetrics>();
        services.TryAddSingleton<ScreenStep>();
        services.AddLocalScreeningDetectors(configuration);
        services.AddPromptShieldsScreening(configuration);
        return services;
    }

    /// <summary>The detectors that run in the process: <c>rules</c>, <c>builtin</c> and (when configured) <c>onnx</c>.</summary>
    public static IServiceCollection AddLocalScreeningDetectors(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptDetector, RulesDetector>());
        services.AddBuiltInScreening();
        services.AddOnnxScreening(configuration);
        return services;
    }
}
