using Microsoft.Extensions.DependencyInjection;

namespace Tokengate.Authorization;

/// <summary>Registers the Authorize step's services (scopes themselves are compiled into the configuration snapshot).</summary>
internal static class ScopeAuthorization
{
    public static IServiceCollection AddScopeAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<AuthorizationDenials>();
        services.AddHostedService(sp => sp.GetRequiredService<AuthorizationDenials>());
        return services;
    }
}
