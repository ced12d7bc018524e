using Microsoft.IdentityModel.Tokens;

namespace Tokengate.Identity;

/// <summary>The issuer and its signing keys as read at one moment.</summary>
/// <param name="Issuer">The expected <c>iss</c>.</param>
/// <param name="Keys">The signing keys from the issuer's key set.</param>
/// <param name="ReadAt">When they were read.</param>
internal sealed record OidcKeySet(string Issuer, IReadOnlyList<SecurityKey> Keys, DateTimeOffset ReadAt);
