using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Admin;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Storage;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Sign-in to the operator console: a cookie session (<see cref="SchemeName"/>) opened with a gateway key or through
/// an OpenID Connect provider, accepted by every admin endpoint beside keys and tokens, with CSRF checks on changes.
/// <list type="bullet">
/// <item><c>POST /console/session</c> <c>{"key":"..."}</c> → 200 <see cref="ConsoleSessionView"/>, 401, 403 or 429</item>
/// <item><c>GET /console/session</c> → 200 <see cref="ConsoleSessionView"/> or 401</item>
/// <item><c>DELETE /console/session</c> (CSRF-checked) → 204</item>
/// <item><c>GET /console/session/providers</c> → <c>{"key":true,"oidc":{"enabled":...,"name":...}}</c></item>
/// <item><c>GET /console/signin/oidc</c>, <c>GET /console/signin/oidc/callback</c> (<see cref="ConsoleOidcSignIn"/>)</item>
/// </list>
/// </summary>
internal static partial class ConsoleSignIn
{
    /// <summary>The cookie scheme of console sessions.</summary>
    public const string SchemeName = "TokengateConsole";

    /// <summary>Authorization policy: a console session, whatever its roles (signing out).</summary>
    public const string SessionPolicy = "console-session";

    public static IServiceCollection AddConsoleSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        services.AddOptions<ConsoleOptions>().Configure(o => configuration.GetSection(ConsoleOptions.SectionName).Bind(o)).ValidateOnStart();

        services.AddSingleton<IMigrationSource, ConsoleKeyRingMigrations>();
        services.AddSingleton<ConsoleKeyRing>();
        // Loads the ring from the pool, before anything else asks for it (Data Protection's own eager loader is removed
        // when every service is added: AddGateway).
        services.AddHostedService<ConsoleKeyRingWarmup>();
        services.AddDataProtection().SetApplicationName("Tokengate");
        services.AddSingleton<ConsoleKeyRingEncryptor>();
        services.AddOptions<KeyManagementOptions>().Configure<ConsoleKeyRing, ConsoleKeyRingEncryptor>((o, ring, encryptor) =>
        {
            o.XmlRepository = ring;
            o.XmlEncryptor = encryptor;
        });

        services.AddSingleton<ConsoleCookieEvents>();
        services.AddSingleton<ConsoleSignOuts>();
        services.AddAuthentication().AddCookie(SchemeName, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(SchemeName).Configure<IOptions<ConsoleOptions>>((o, console) =>
        {
            o.Cookie.Name = console.Value.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.IsEssential = true;
            o.ExpireTimeSpan = console.Value.SlidingExpiration;
            o.SlidingExpiration = true;
            o.EventsType = typeof(ConsoleCookieEvents);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(SessionPolicy, p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());

        services.AddSingleton<OidcSignInReplayGuard>();
        services.AddSingleton<ConsoleOidcProvider>();
        return services;
    }

    /// <summary>The CSRF check for cookie sessions; after authorization, so it sees who the request is.</summary>
    public static IApplicationBuilder UseConsoleSignIn(this IApplicationBuilder app) => app.UseMiddleware<ConsoleCsrfMiddleware>();

    /// <summary>True when the request carries no header credential but a console session cookie (the admin scheme then forwards to it).</summary>
    public static bool HasSessionCookie(HttpContext context) =>
        context.Request.Cookies.ContainsKey(context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.CookieName);

    public static IEndpointRouteBuilder MapConsoleSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/console/session", SignInWithKeyAsync);
        endpoints.MapGet("/console/session", DescribeAsync);
        endpoints.MapDelete("/console/session", SignOutAsync).RequireAuthorization(SessionPolicy);
        endpoints.MapGet("/console/session/providers", (HttpContext context, IOptions<ConsoleOptions> options) =>
        {
            ConsoleSecurityHeaders.Apply(context.Response);
            var oidc = options.Value.Oidc;
            return Results.Json(new { key = true, oidc = new { enabled = oidc.Enabled, name = oidc.Enabled ? oidc.DisplayName : null } });
        });
        endpoints.MapGet("/console/signin/oidc", ConsoleOidcSignIn.StartAsync);
        endpoints.MapGet("/console/signin/oidc/callback", ConsoleOidcSignIn.CallbackAsync);
        return endpoints;
    }

    private static async Task SignInWithKeyAsync(
        HttpContext context, ConsumerDirectory directory, IClaimsTransformation transformation, IOptions<ConsoleOptions> options,
        GatewayConfiguration configuration, FailureAudit failures, TimeProvider time, ILoggerFactory loggers)
    {
        ConsoleSecurityHeaders.Apply(context.Response);
        // The answer holds the session's CSRF token: kept by no cache.
        context.Response.Headers.CacheControl = "no-store";
        var request = context.Request;
        // Only a script of the console's own origin can send JSON here: a cross-site form (which may carry no Origin or
        // Referer in some browsers) cannot, whatever else holds.
        if (!request.HasJsonContentType())
        {
            await AdminErrors.UnsupportedMediaType("Sign in with a JSON body: Content-Type application/json and {\"key\": ...}.").WriteAsync(context).ConfigureAwait(false);
            return;
        }
        // A page of another site must not sign the browser into a session of its choosing either.
        if (CsrfCheck.OriginProblem(request) is { } problem)
        {
            failures.Record(FailureAudit.AuthorizationDenied, FailureAudit.Unauthenticated, CallerAddress.Of(context, configuration.Current), problem, request);
            await ConsoleErrors.CsrfFailed.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        var (body, error) = await AdminJsonBody.ReadAsync<ConsoleSignInRequest>(request, required: true, context.RequestAborted).ConfigureAwait(false);
        if (error is not null || string.IsNullOrWhiteSpace(body?.Key))
        {
            await (error ?? AdminErrors.BadRequest("The body must be a JSON object with 'key'.")).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        // The key is checked by the admin API's own key scheme, as if it had come as api-key: the same lookup, failure
        // throttle (a wrong key counts, a blocked address gets 429) and failure audit.
        request.Headers["api-key"] = body.Key;
        request.Headers.Authorization = default;
        var result = await context.AuthenticateAsync(GatewayKeyAuthenticationHandler.SchemeName).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await context.ChallengeAsync(GatewayKeyAuthenticationHandler.SchemeName).ConfigureAwait(false);
            return;
        }
        context.User = result.Principal;
        if (!HasRole(result.Principal, Roles.Reader))
        {
            await context.ForbidAsync(GatewayKeyAuthenticationHandler.SchemeName).ConfigureAwait(false);
            return;
        }

        Span<char> hash = stackalloc char[64];
        KeyHash.ComputeHex(body.Key.Trim(), hash);
        if (!directory.TryFindHash(hash, out var consumer))
        {
            await ConsoleErrors.SessionRequired.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        var view = await SignInAsync(context, consumer, ConsoleClaims.KeyMethod, new string(hash), transformation, options.Value, time).ConfigureAwait(false);
        LogSignedIn(loggers.CreateLogger(typeof(ConsoleSignIn).FullName!), view.Name, view.AuthMethod);
        await Results.Json(view).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>Issues the session cookie for <paramref name="consumer"/> and returns what the caller is told about it.</summary>
    public static async Task<ConsoleSessionView> SignInAsync(
        HttpContext context, Consumer consumer, string method, string? keyHash, IClaimsTransformation transformation, ConsoleOptions options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var csrf = CsrfCheck.NewToken();
        var principal = ConsolePrincipal.Create(consumer, method, keyHash, csrf, now);
        await context.SignInAsync(SchemeName, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true }).ConfigureAwait(false);
        var effective = await transformation.TransformAsync(principal).ConfigureAwait(false);
        return View(effective, now + options.SlidingExpiration, options);
    }

    /// <summary>True when the principal's effective roles (base and elevated) include <paramref name="role"/>.</summary>
    public static bool HasRole(ClaimsPrincipal? principal, string role) =>
        principal is not null && Roles.Includes(principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase), role);

    private static async Task DescribeAsync(HttpContext context, IOptions<ConsoleOptions> options, TimeProvider time)
    {
        ConsoleSecurityHeaders.Apply(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        var result = await context.AuthenticateAsync(SchemeName).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            await ConsoleErrors.SessionRequired.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        await Results.Json(View(principal, SlidingEnd(result.Properties, time.GetUtcNow(), options.Value), options.Value)).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task SignOutAsync(HttpContext context, ConsoleSignOuts signOuts, IOptions<ConsoleOptions> options, ILoggerFactory loggers)
    {
        ConsoleSecurityHeaders.Apply(context.Response);
        if (context.User.FindFirst(ConsoleClaims.Csrf)?.Value is { } session && ConsolePrincipal.SignedInAt(context.User) is { } signedInAt)
            signOuts.Add(session, signedInAt + options.Value.AbsoluteLifetime);
        await context.SignOutAsync(SchemeName).ConfigureAwait(false);
        LogSignedOut(loggers.CreateLogger(typeof(ConsoleSignIn).FullName!), context.User.Identity?.Name ?? "(unknown)");
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    // The cookie handler renews the ticket on this very request once more than half of its window has passed (the
    // new window starts now); the answer tells the end that holds after this request.
    private static DateTimeOffset SlidingEnd(AuthenticationProperties properties, DateTimeOffset now, ConsoleOptions options)
    {
        if (properties.IssuedUtc is not { } issued || properties.ExpiresUtc is not { } expires) return now + options.SlidingExpiration;
        return now - issued > expires - now ? now + (expires - issued) : expires;
    }

    private static ConsoleSessionView View(ClaimsPrincipal principal, DateTimeOffset slidingEnd, ConsoleOptions options)
    {
        var absoluteEnd = (ConsolePrincipal.SignedInAt(principal) ?? slidingEnd) + options.AbsoluteLifetime;
        return new ConsoleSessionView(
            principal.Identity?.Name ?? "",
            principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray(),
            principal.FindFirst(ConsoleClaims.Method)?.Value ?? ConsoleClaims.KeyMethod,
            principal.FindFirst(ConsoleClaims.Csrf)?.Value ?? "",
            slidingEnd < absoluteEnd ? slidingEnd : absoluteEnd);
    }

    [LoggerMessage(2600, LogLevel.Information, "Console session opened for {Name} ({Method})")]
    public static partial void LogSignedIn(ILogger logger, string name, string method);

    [LoggerMessage(2601, LogLevel.Information, "Console session closed by {Name}")]
    private static partial void LogSignedOut(ILogger logger, string name);

    [LoggerMessage(2602, LogLevel.Warning, "Console single sign-on refused: {Reason}")]
    public static partial void LogOidcRefused(ILogger logger, string reason);
}
