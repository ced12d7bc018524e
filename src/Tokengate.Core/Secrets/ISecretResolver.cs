namespace Tokengate.Secrets;

/// <summary>
/// Turns a secret reference (<c>env:NAME</c>) into the secret. Configuration holds only references, so a config
/// dump or a log line can never carry a key.
/// </summary>
public interface ISecretResolver
{
    /// <summary>Returns why the reference cannot be resolved, or null when it can.</summary>
    string? Check(string reference);

    /// <summary>Reads the secret now (so a rotated value is picked up).</summary>
    string Resolve(string reference);
}
