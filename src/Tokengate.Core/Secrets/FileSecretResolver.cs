using System.Security.Cryptography;
using Tokengate.Configuration;

namespace Tokengate.Secrets;

/// <summary>
/// Resolves <c>file:NAME</c> from the local secret file. The file is read and decrypted on each call, which happens
/// only on load, reload and key rotation, so an edit with <c>tokengate secrets set</c> is picked up by the next one.
/// </summary>
internal sealed class FileSecretResolver(Func<SecretsOptions> options) : ISecretResolver
{
    public const string Prefix = "file:";

    public string? Check(string reference) => TryRead(reference, out _, out var problem) ? null : problem;

    public string Resolve(string reference) =>
        TryRead(reference, out var value, out var problem) ? value : throw new InvalidOperationException(problem);

    private bool TryRead(string reference, out string value, out string problem)
    {
        value = "";
        problem = "";
        var name = reference.StartsWith(Prefix, StringComparison.Ordinal) ? reference[Prefix.Length..] : null;
        if (!SecretFile.IsValidName(name))
        {
            problem = "must be 'file:NAME' where NAME has 1 to 128 letters, digits, '_', '-' or '.'.";
            return false;
        }

        var current = options();
        byte[]? key = null;
        try
        {
            key = SecretFileKey.Read(current);
            var secrets = SecretFile.Read(current.FilePath, key);
            if (!secrets.TryGetValue(name!, out var found) || found.Length == 0)
            {
                problem = $"the secret '{name}' is not in the secret file '{current.FilePath}' (add it with 'tokengate secrets set {name}').";
                return false;
            }
            value = found;
            return true;
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
            return false;
        }
        finally
        {
            if (key is not null) CryptographicOperations.ZeroMemory(key);
        }
    }
}
