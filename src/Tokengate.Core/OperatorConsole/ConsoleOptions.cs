namespace Tokengate.OperatorConsole;

/// <summary>
/// Sign-in to the operator console (<c>Tokengate:Console</c>): a cookie session opened with a gateway key that has
/// the <c>reader</c> role or more, or through an OpenID Connect provider (<see cref="Oidc"/>). Read once at start.
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Console";

    /// <summary>
    /// The session cookie's name: letters, digits, <c>-</c> and <c>_</c>. Default <c>tokengate-console</c>.
    /// </summary>
    public string CookieName { get; set; } = "tokengate-console";

    /// <summary>
    /// A session unused for this long ends; each use moves the end forward (the cookie is re-issued once half of
    /// it has passed). Between 1 minute and <see cref="AbsoluteLifetime"/>. Default 8 hours.
    /// </summary>
    public TimeSpan SlidingExpiration { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// A session ends this long after sign-in however much it is used; between 1 minute and 30 days. Default 12 hours.
    /// </summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-in through an OpenID Connect provider (Entra ID or another); off unless its <c>Authority</c> is set.</summary>
    public ConsoleOidcOptions Oidc { get; set; } = new();
}
