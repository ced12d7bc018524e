using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tokengate.Realtime;

/// <summary>Registers realtime sessions over WebSocket; the pipeline's last step is <see cref="RealtimeSessionStep"/>.</summary>
internal static class RealtimeRegistration
{
    public static IServiceCollection AddRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>();
        services.AddOptions<RealtimeOptions>().Configure(o => configuration.GetSection(RealtimeOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<RealtimeAdmission>();
        services.AddSingleton<RealtimeConnector>();
        services.AddSingleton<RealtimeCredentialCheck>();
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<RealtimeSessionStep>();
        return services;
    }
}
