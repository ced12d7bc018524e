namespace Tokengate.Secrets;

/// <summary>
/// Turns a secret reference (<c>env:NAME</c>, <c>file:NAME</c>, <c>keyvault:https://...</c>) into the secret.
/// Configuration holds only references, so a config dump or a log line can never carry a key. Messages name the
/// reference, never the value.
/// </summary>
public interface ISecretResolver
{
    /// <summary>Returns why the reference cannot be resolved, or null when it can (for remote stores: when it is well formed).</summary>
    string? Check(string reference);

    /// <summary>Reads the secret now (so a rotated value is picked up); off the request path only.</summary>
    /// <exception cref="InvalidOperationException">It cannot be read; the message says why.</exception>
    string Resolve(string reference);
}
