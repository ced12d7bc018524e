using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;

namespace Tokengate.Screening.Onnx;

/// <summary>Registers the <c>onnx</c> detector when a model is configured.</summary>
internal static class OnnxRegistration
{
    /// <summary>The configuration section of <see cref="OnnxDetectorOptions"/>.</summary>
    public const string SectionPath = "Tokengate:Screening:Onnx";

    /// <summary>
    /// Adds <see cref="OnnxDetector"/> as an <see cref="IPromptDetector"/> (and <see cref="OnnxWarmUp"/> when
    /// <see cref="OnnxDetectorOptions.LoadOnStart"/> is set) if <c>Tokengate:Screening:Onnx:ModelPath</c> is given;
    /// otherwise adds nothing. The detector reads its settings from the validated <c>GatewayOptions</c>.
    /// </summary>
    public static IServiceCollection AddOnnxScreening(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionPath).Get<OnnxDetectorOptions>() ?? new OnnxDetectorOptions();
        if (string.IsNullOrWhiteSpace(options.ModelPath)) return services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new OnnxDetector(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Screening.Onnx,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OnnxDetector>>()));
        services.AddSingleton<IPromptDetector>(sp => sp.GetRequiredService<OnnxDetector>());
        if (options.LoadOnStart) services.AddSingleton<IHostedService, OnnxWarmUp>();
        return services;
    }
}
