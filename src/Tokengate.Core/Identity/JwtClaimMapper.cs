using System.Collections.Frozen;
using System.Security.Claims;

namespace Tokengate.Identity;

/// <summary>Turns a validated token's claims into a <see cref="Consumer"/> by the mappings in <see cref="OidcOptions"/>.</summary>
internal sealed class JwtClaimMapper(OidcOptions options)
{
    private readonly IReadOnlyList<string> _consumerClaims = options.EffectiveConsumerClaims;
    private static readonly FrozenSet<string> DefaultRoles = new[] { Roles.Consumer }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The consumer, or null when the token carries none of the consumer claims.</summary>
    public Consumer? Map(IEnumerable<Claim> claims)
    {
        var list = claims as IReadOnlyList<Claim> ?? claims.ToList();
        string? name = null;
        foreach (var claimName in _consumerClaims)
        {
            name = First(list, claimName);
            if (name is not null) break;
        }
        if (name is null) return null;
        if (options.ConsumerNames.TryGetValue(name, out var mapped)) name = mapped;

        string? group = null;
        foreach (var claim in list)
        {
            if (claim.Type != options.GroupClaim || string.IsNullOrEmpty(claim.Value)) continue;
            if (options.GroupMap.Count == 0)
            {
                group = claim.Value;
                break;
            }
            if (options.GroupMap.TryGetValue(claim.Value, out var g))
            {
                group = g;
                break;
            }
        }

        HashSet<string>? roles = null;
        foreach (var claim in list)
        {
            if (claim.Type != options.RoleClaim) continue;
            var role = options.RoleMap.TryGetValue(claim.Value, out var r) ? r : KnownRole(claim.Value);
            if (role is not null) (roles ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(role);
        }
        return new Consumer(name, group, roles is null ? DefaultRoles : roles.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }

    private static string? First(IReadOnlyList<Claim> claims, string type)
    {
        foreach (var claim in claims)
        {
            if (claim.Type == type && !string.IsNullOrWhiteSpace(claim.Value)) return claim.Value;
        }
        return null;
    }

    private static string? KnownRole(string value)
    {
        foreach (var role in Roles.All)
        {
            if (string.Equals(role, value, StringComparison.OrdinalIgnoreCase)) return role;
        }
        return null;
    }
}
