namespace Tokengate.Identity;

/// <summary>Tells a JWT from a gateway key without parsing it.</summary>
internal static class JwtTokens
{
    /// <summary>
    /// A compact JWS starts with a base64url JSON header (<c>eyJ</c>) and has exactly two dots; gateway keys have
    /// neither, so the check costs a scan of the string and nothing else.
    /// </summary>
    public static bool LooksLikeJwt(ReadOnlySpan<char> value) =>
        value.Length > 16 && value.StartsWith("eyJ", StringComparison.Ordinal) && value.Count('.') == 2;
}
