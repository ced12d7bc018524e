using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.OperatorConsole;
using Tokengate.Routing;

namespace Tokengate.Admin;

/// <summary>
/// The admin API under <c>/admin</c>: authenticated with gateway keys, Entra ID / OIDC bearer tokens or an operator
/// console session cookie (<see cref="ConsoleSignIn"/>), authorized
/// by role (base roles and active elevations) through the policies in <see cref="AdminPolicies"/>. Features add
/// their endpoints to the group that <see cref="MapAdminApi"/> returns.
/// </summary>
public static class AdminApi
{
    /// <summary>
    /// The scheme admin policies name: forwards to the JWT scheme for a token that looks like one, to the key scheme
    /// for any other header credential, to the console cookie scheme for a session cookie without one.
    /// </summary>
    public const string SchemeName = "Tokengate";

    /// <summary>Adds authentication (gateway keys and bearer tokens) and one authorization policy per management role.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        // No default scheme (several are registered, so ASP.NET Core picks none): the model routes authenticate in
        // their own pipeline step, and the authentication middleware must not check every data-plane key a second
        // time. Admin policies name the scheme.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, GatewayKeyAuthenticationHandler>(GatewayKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, JwtAuthenticationHandler>(JwtAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SchemeName, null, o => o.ForwardDefaultSelector = SelectScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.Authenticated, p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser())
            .AddPolicy(AdminPolicies.Reader, p => RoleAtLeast(p, Identity.Roles.Reader))
            .AddPolicy(AdminPolicies.Operator, p => RoleAtLeast(p, Identity.Roles.Operator))
            .AddPolicy(AdminPolicies.Admin, p => RoleAtLeast(p, Identity.Roles.Admin));
        return services;
    }

    /// <summary>Maps <c>/admin</c>; every endpoint in it needs at least the reader role unless it asks for more.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").RequireAuthorization(AdminPolicies.Reader);
        admin.MapGet("/whoami", (ClaimsPrincipal user) => Results.Json(new
        {
            name = user.Identity?.Name,
            group = user.FindFirst(GatewayKeyAuthenticationHandler.GroupClaim)?.Value,
            roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToArray(),
        }));
        admin.MapGet("/pools", PoolStatus.Describe);
        admin.MapGet("/config", ConfigurationView.Describe).RequireAuthorization(AdminPolicies.Operator);
        admin.MapGet("/config/sources", (IConfiguration configuration) => ConfigurationView.DescribeSources(configuration)).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    // A header credential wins: a call that brings a key or a token is that caller, whatever cookie the browser adds.
    // Without one, a console session cookie is the credential; with neither, the key scheme answers the challenge.
    private static string SelectScheme(HttpContext context)
    {
        var presented = PresentedKeys.From(context.Request.Headers);
        if (!presented.IsEmpty)
        {
            return context.RequestServices.GetRequiredService<JwtConsumerAuthenticator>().Enabled && JwtTokens.LooksLikeJwt(presented)
                ? JwtAuthenticationHandler.SchemeName
                : GatewayKeyAuthenticationHandler.SchemeName;
        }
        return ConsoleSignIn.HasSessionCookie(context) ? ConsoleSignIn.SchemeName : GatewayKeyAuthenticationHandler.SchemeName;
    }

    private static void RoleAtLeast(AuthorizationPolicyBuilder policy, string role) =>
        policy.AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => HasRole(c.User, role));

    private static bool HasRole(ClaimsPrincipal user, string role)
    {
        var held = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Identity.Roles.Includes(held, role);
    }
}
