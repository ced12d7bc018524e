using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Network;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Console single sign-on, the authorization-code flow with PKCE written out rather than through ASP.NET Core's
/// OpenID Connect handler: every outbound call goes through the gateway's one client and allowlist, times come from
/// <see cref="TimeProvider"/>, errors leave in the Azure shape, and the id token is mapped exactly as bearer tokens
/// are. <c>GET /console/signin/oidc</c> stores state, nonce and verifier in an encrypted cookie for
/// <see cref="ConsoleOidcOptions.SignInTimeout"/> and redirects to the provider with the S256 challenge;
/// <c>GET /console/signin/oidc/callback</c> checks the state (once only), redeems the code with the verifier,
/// validates the id token and its nonce, and opens the same cookie session as a key does.
/// </summary>
internal static class ConsoleOidcSignIn
{
    public const string StateCookie = "tokengate-console-oidc";
    public const string CallbackPath = "/console/signin/oidc/callback";
    private const string CookiePath = "/console/signin/oidc";
    private const string Purpose = "Tokengate.Console.OidcSignIn";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task StartAsync(HttpContext context, ConsoleOidcProvider provider, IDataProtectionProvider protection, TimeProvider time, ILoggerFactory loggers)
    {
        ConsoleSecurityHeaders.Apply(context.Response);
        var options = provider.Options;
        if (!options.Enabled)
        {
            await ConsoleErrors.OidcNotConfigured.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await provider.MetadataAsync(refresh: false, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsProviderFailure(ex))
        {
            ConsoleSignIn.LogOidcRefused(Logger(loggers), "the provider's metadata could not be read: " + ex.Message);
            await ConsoleErrors.ProviderUnavailable.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        var state = new OidcSignInState(
            CsrfCheck.NewToken(),
            CsrfCheck.NewToken(),
            CsrfCheck.NewToken(),
            options.RedirectUri ?? $"{request.Scheme}://{request.Host.ToUriComponent()}{CallbackPath}",
            LocalReturnUrl(request.Query["returnUrl"]),
            time.GetUtcNow());
        var sealedState = protection.CreateProtector(Purpose).Protect(JsonSerializer.Serialize(state, Json));
        context.Response.Cookies.Append(StateCookie, sealedState, new CookieOptions
        {
            HttpOnly = true,
            // Lax: the provider sends the browser back with a top-level GET from its own site.
            SameSite = SameSiteMode.Lax,
            Secure = request.IsHttps,
            Path = CookiePath,
            MaxAge = options.SignInTimeout,
            IsEssential = true,
        });
        context.Response.Redirect(QueryHelpers.AddQueryString(metadata.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = state.RedirectUri,
            ["scope"] = string.Join(' ', options.EffectiveScopes),
            ["state"] = state.State,
            ["nonce"] = state.Nonce,
            ["code_challenge"] = Challenge(state.Verifier),
            ["code_challenge_method"] = "S256",
        }));
    }

    public static async Task CallbackAsync(
        HttpContext context, ConsoleOidcProvider provider, IDataProtectionProvider protection, OidcSignInReplayGuard replays,
        IClaimsTransformation transformation, IOptions<ConsoleOptions> console, GatewayConfiguration configuration, FailureAudit failures,
        AuthFailureThrottle throttle, TimeProvider time, ILoggerFactory loggers)
    {
        ConsoleSecurityHeaders.Apply(context.Response);
        var options = provider.Options;
        if (!options.Enabled)
        {
            await ConsoleErrors.OidcNotConfigured.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        var request = context.Request;
        var logger = Logger(loggers);
        // Refused callbacks count toward the caller's failure limit, as wrong keys do: past it, the caller waits.
        var address = CallerAddress.Of(context, configuration.Current);
        if (throttle.IsBlocked(address, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ConsoleErrors.SignInFailed("Too many failed sign-ins from this address; try again later.", StatusCodes.Status429TooManyRequests).WriteAsync(context).ConfigureAwait(false);
            return;
        }
        // One try per started sign-in, whatever its outcome.
        context.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = CookiePath, Secure = request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });

        Task RefuseAsync(string reason, string message)
        {
            ConsoleSignIn.LogOidcRefused(logger, reason);
            throttle.RecordFailure(address);
            failures.Record(FailureAudit.AdminUnauthenticated, FailureAudit.Unauthenticated, address, "console sign-in: " + reason, request);
            return ConsoleErrors.SignInFailed(message).WriteAsync(context);
        }

        var now = time.GetUtcNow();
        if (Unseal(request.Cookies[StateCookie], protection) is not { } saved || now - saved.StartedAt > options.SignInTimeout || now < saved.StartedAt)
        {
            await RefuseAsync("no sign-in state", "This sign-in was not started here or took too long. Start it again.").ConfigureAwait(false);
            return;
        }
        if (!CsrfCheck.TokensEqual(saved.State, request.Query["state"].ToString()))
        {
            await RefuseAsync("state mismatch", "The sign-in's state does not match. Start it again.").ConfigureAwait(false);
            return;
        }
        if (!replays.TryUse(saved.State, saved.StartedAt + options.SignInTimeout))
        {
            await RefuseAsync("callback replayed", "This sign-in has already been completed or refused. Start it again.").ConfigureAwait(false);
            return;
        }
        if (request.Query["error"].ToString() is { Length: > 0 } providerError)
        {
            await RefuseAsync("the provider answered " + Token(providerError), "The sign-in provider did not sign you in (" + Token(providerError) + ").").ConfigureAwait(false);
            return;
        }
        if (request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            await RefuseAsync("no code", "The sign-in provider sent no authorization code.").ConfigureAwait(false);
            return;
        }

        CredentialCheck check;
        try
        {
            var (idToken, refusal) = await provider.RedeemAsync(code, saved.Verifier, saved.RedirectUri, context.RequestAborted).ConfigureAwait(false);
            if (idToken is null)
            {
                await RefuseAsync(refusal!, "The sign-in provider did not accept the authorization code. Start again.").ConfigureAwait(false);
                return;
            }
            check = await provider.ValidateAsync(idToken, saved.Nonce, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsProviderFailure(ex))
        {
            ConsoleSignIn.LogOidcRefused(logger, "the provider could not be used: " + ex.Message);
            await ConsoleErrors.ProviderUnavailable.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        if (check.Consumer is not { } consumer)
        {
            await RefuseAsync(check.Refusal!, "The sign-in provider's id token was not accepted.").ConfigureAwait(false);
            return;
        }

        var effective = await transformation.TransformAsync(Admin.ConsumerPrincipal.Create(consumer, ConsoleSignIn.SchemeName)).ConfigureAwait(false);
        if (!ConsoleSignIn.HasRole(effective, Roles.Reader))
        {
            failures.Record(FailureAudit.AuthorizationDenied, consumer.Name, CallerAddress.Of(context, configuration.Current), "console needs reader", request);
            await ConsoleErrors.ReaderRequired.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        var view = await ConsoleSignIn.SignInAsync(context, consumer, ConsoleClaims.OidcMethod, null, transformation, console.Value, time).ConfigureAwait(false);
        ConsoleSignIn.LogSignedIn(logger, view.Name, view.AuthMethod);
        context.Response.Redirect(saved.ReturnUrl);
    }

    /// <summary>The PKCE S256 challenge of a verifier: base64url of its SHA-256.</summary>
    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A path on this gateway to return to after sign-in; anything else (another host, <c>//host</c>) becomes <c>/console</c>.</summary>
    public static string LocalReturnUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/console";

    private static OidcSignInState? Unseal(string? value, IDataProtectionProvider protection)
    {
        if (string.IsNullOrEmpty(value)) return null;
        try
        {
            return JsonSerializer.Deserialize<OidcSignInState>(protection.CreateProtector(Purpose).Unprotect(value), Json);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private static bool IsProviderFailure(Exception ex) =>
        ex is IOException or HttpRequestException or OperationCanceledException or InvalidOperationException or JsonException
            or OutboundHostNotAllowedException or ArgumentException;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Token(string text) =>
        new(text.Take(64).Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.').ToArray());

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(ConsoleSignIn).FullName!);
}
