using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.Proxy;
using Tokengate.Secrets;

namespace Tokengate.Screening.PromptShields;

/// <summary>
/// Registers the Prompt Shields detector as an <see cref="IPromptDetector"/> when
/// <c>Tokengate:Screening:PromptShields:Endpoint</c> is set. Its options are part of <see cref="GatewayOptions"/>
/// and validated with them; expects the <see cref="OutboundHttpClient"/>, the <see cref="ISecretResolver"/> and a
/// <see cref="TimeProvider"/> to be registered (as <c>AddGateway</c> does).
/// </summary>
internal static class PromptShieldsRegistration
{
    public static IServiceCollection AddPromptShieldsScreening(this IServiceCollection services, IConfiguration configuration)
    {
        // Decided once at start, like the detector's settings: changing them takes a restart.
        var endpoint = configuration[PromptShieldsOptionsValidation.Path + ":Endpoint"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;
        services.AddSingleton<IPromptDetector>(sp => new PromptShieldsDetector(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Screening.PromptShields,
            sp.GetRequiredService<OutboundHttpClient>(),
            sp.GetRequiredService<ISecretResolver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PromptShieldsDetector>>()));
        return services;
    }
}
