using System.Globalization;
using System.Security.Claims;
using Tokengate.Admin;
using Tokengate.Identity;

namespace Tokengate.OperatorConsole;

/// <summary>
/// The principal of a console session: the consumer's name, group and roles exactly as <see cref="ConsumerPrincipal"/>
/// makes them for a key or a token (so the admin policies and the elevation transformation see the same thing),
/// plus the session's own claims (<see cref="ConsoleClaims"/>).
/// </summary>
internal static class ConsolePrincipal
{
    public static ClaimsPrincipal Create(Consumer consumer, string method, string? keyHash, string csrfToken, DateTimeOffset signedInAt)
    {
        var principal = ConsumerPrincipal.Create(consumer, ConsoleSignIn.SchemeName);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(ConsoleClaims.Method, method));
        identity.AddClaim(new Claim(ConsoleClaims.Csrf, csrfToken));
        identity.AddClaim(new Claim(ConsoleClaims.SignedInAt, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        if (keyHash is not null) identity.AddClaim(new Claim(ConsoleClaims.KeyHash, keyHash));
        return principal;
    }

    /// <summary>
    /// The session's principal for this request, or null when the session has ended: past its absolute lifetime, or
    /// signed out, or (key sessions) its key no longer works — revoked, expired, or its consumer disabled. Name, group and roles are
    /// read again from the key directory, so a role change applies to the next request.
    /// </summary>
    public static ClaimsPrincipal? Revalidate(
        ClaimsPrincipal? ticket, ConsumerDirectory directory, ConsoleSignOuts signOuts, DateTimeOffset now, TimeSpan absoluteLifetime)
    {
        if (ticket is null || SignedInAt(ticket) is not { } signedInAt || now >= signedInAt + absoluteLifetime) return null;
        var method = ticket.FindFirst(ConsoleClaims.Method)?.Value;
        var csrf = ticket.FindFirst(ConsoleClaims.Csrf)?.Value;
        if (string.IsNullOrEmpty(csrf) || signOuts.Contains(csrf)) return null;
        switch (method)
        {
            case ConsoleClaims.KeyMethod:
                var hash = ticket.FindFirst(ConsoleClaims.KeyHash)?.Value;
                if (hash is null || !directory.TryFindHash(hash, out var consumer)) return null;
                return Create(consumer, method, hash, csrf, signedInAt);
            case ConsoleClaims.OidcMethod:
                // The provider is the authority for these: name and roles as mapped at sign-in, for the absolute lifetime.
                return ticket;
            default:
                return null;
        }
    }

    /// <summary>When the session was opened.</summary>
    public static DateTimeOffset? SignedInAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst(ConsoleClaims.SignedInAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
