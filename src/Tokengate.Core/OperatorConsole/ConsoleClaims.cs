namespace Tokengate.OperatorConsole;

/// <summary>Claims a console session carries in its (encrypted) ticket besides name, group and roles.</summary>
internal static class ConsoleClaims
{
    /// <summary>How the session was opened: <see cref="KeyMethod"/> or <see cref="OidcMethod"/>.</summary>
    public const string Method = "tokengate:console:method";

    /// <summary>The session's CSRF token (256 random bits, base64url).</summary>
    public const string Csrf = "tokengate:console:csrf";

    /// <summary>For key sessions: the upper-case hex SHA-256 of the key, so every request can check the key still works.</summary>
    public const string KeyHash = "tokengate:console:key";

    /// <summary>Sign-in time, Unix seconds: the start of the absolute lifetime, which sliding renewals do not move.</summary>
    public const string SignedInAt = "tokengate:console:signed-in";

    public const string KeyMethod = "key";
    public const string OidcMethod = "oidc";
}
