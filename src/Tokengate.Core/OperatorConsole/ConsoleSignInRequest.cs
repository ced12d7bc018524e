namespace Tokengate.OperatorConsole;

/// <summary>Body of <c>POST /console/session</c>.</summary>
/// <param name="Key">A gateway key whose consumer has the <c>reader</c> role or higher.</param>
internal sealed record ConsoleSignInRequest(string? Key);
