namespace Tokengate.OperatorConsole;

/// <summary>
/// What a started OIDC sign-in must remember until its callback, kept in a short-lived cookie encrypted and signed
/// with Data Protection: the random state, nonce and PKCE verifier, the redirect URI sent, where to go afterwards.
/// </summary>
internal sealed record OidcSignInState(string State, string Nonce, string Verifier, string RedirectUri, string ReturnUrl, DateTimeOffset StartedAt);
