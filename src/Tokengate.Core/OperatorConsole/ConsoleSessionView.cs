namespace Tokengate.OperatorConsole;

/// <summary>The answer of <c>POST</c> and <c>GET /console/session</c>.</summary>
/// <param name="Name">The principal's name.</param>
/// <param name="Roles">Its effective roles now: base roles and active elevations, as the admin API sees them.</param>
/// <param name="AuthMethod"><c>key</c> or <c>oidc</c>.</param>
/// <param name="CsrfToken">To send as <c>x-tokengate-csrf</c> on every call that is not GET, HEAD or OPTIONS.</param>
/// <param name="Expires">When the session ends unless it is used (sliding), never after its absolute lifetime.</param>
internal sealed record ConsoleSessionView(string Name, IReadOnlyList<string> Roles, string AuthMethod, string CsrfToken, DateTimeOffset Expires);
