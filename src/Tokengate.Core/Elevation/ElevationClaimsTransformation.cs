using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Tokengate.Elevation;

/// <summary>
/// Adds the roles a principal holds through active elevations to its base roles, for every admin API
/// authorization. The model routes need only the <c>consumer</c> role, which elevation does not grant.
/// </summary>
internal sealed class ElevationClaimsTransformation(ElevationService elevations) : IClaimsTransformation
{
    public const string ElevatedClaim = "tokengate:elevated";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true, Name: { } name } || principal.HasClaim(c => c.Type == ElevatedClaim))
            return principal;
        var roles = await elevations.ActiveRolesAsync(name, CancellationToken.None).ConfigureAwait(false);
        if (roles.Count == 0) return principal;

        var elevated = principal.Clone();
        var identity = (ClaimsIdentity)elevated.Identity!;
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(identity.RoleClaimType, role));
            identity.AddClaim(new Claim(ElevatedClaim, role));
        }
        return elevated;
    }
}
