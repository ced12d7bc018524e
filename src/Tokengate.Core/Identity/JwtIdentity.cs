using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Proxy;

namespace Tokengate.Identity;

/// <summary>Registers Entra ID / OIDC bearer-token authentication (<see cref="OidcOptions"/>).</summary>
internal static class JwtIdentity
{
    public static IServiceCollection AddJwtIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        services.AddOptions<OidcOptions>().Configure(o => configuration.GetSection(OidcOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OidcOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var keys = options.Enabled
                ? new OidcSigningKeys(
                    options,
                    new OidcDocumentRetriever(sp.GetRequiredService<OutboundHttpClient>(), options.RequireHttpsMetadata, options.MetadataTimeout),
                    time,
                    sp.GetRequiredService<ILogger<OidcSigningKeys>>())
                : null;
            return new JwtConsumerAuthenticator(options, keys, time);
        });
        return services;
    }
}
