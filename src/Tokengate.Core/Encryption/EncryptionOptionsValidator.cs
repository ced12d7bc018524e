using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>
/// Checks <see cref="EncryptionOptions"/> on start, naming each bad field by its configuration path: every local key
/// file exists, holds a key and lies outside the data folder; the Key Vault key is a versioned key URL; the current key
/// is one of them. The default key (nothing configured) is not checked here: it is made at start when missing.
/// </summary>
internal sealed class EncryptionOptionsValidator(IOptions<DataOptions> data) : IValidateOptions<EncryptionOptions>
{
    public static readonly string[] Algorithms = ["RSA-OAEP-256", "A256KW"];

    public ValidateOptionsResult Validate(string? name, EncryptionOptions options)
    {
        const string P = EncryptionOptions.SectionName;
        var errors = new List<string>();
        var dataFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(data.Value.Directory)) + Path.DirectorySeparatorChar;

        foreach (var (id, path) in options.LocalKeys)
        {
            if (!IsValidId(id))
            {
                errors.Add($"{P}:LocalKeys:{id}: a key id is letters, digits, '.', '_' and '-' (1 to 64 characters).");
                continue;
            }
            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add($"{P}:LocalKeys:{id}: the key file's path is required.");
                continue;
            }
            var full = Path.GetFullPath(path);
            if (full.StartsWith(dataFolder, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                errors.Add($"{P}:LocalKeys:{id}: the key file '{full}' is inside the data folder ({data.Value.Directory}); keep it apart (another folder, volume or mount), so a copy of the data is not a copy of its key.");
                continue;
            }
            try
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(LocalKeyFile.Read(full));
            }
            catch (KeyEncryptionKeyException ex)
            {
                errors.Add($"{P}:LocalKeys:{id}: {ex.Message}");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.KeyVaultKey) && KeyVaultKeyClient.CheckKeyUrl(options.KeyVaultKey) is { } vaultProblem)
            errors.Add($"{P}:KeyVaultKey: {vaultProblem}");
        if (!Algorithms.Contains(options.KeyVaultAlgorithm, StringComparer.Ordinal))
            errors.Add($"{P}:KeyVaultAlgorithm: must be {string.Join(" or ", Algorithms)} (was '{options.KeyVaultAlgorithm}').");

        var configured = options.LocalKeys.Count + (string.IsNullOrWhiteSpace(options.KeyVaultKey) ? 0 : 1);
        if (!string.IsNullOrWhiteSpace(options.CurrentKey))
        {
            if (!options.LocalKeys.ContainsKey(options.CurrentKey) && !string.Equals(options.CurrentKey, options.KeyVaultKey, StringComparison.OrdinalIgnoreCase))
                errors.Add($"{P}:CurrentKey: '{options.CurrentKey}' is neither a LocalKeys id nor the KeyVaultKey.");
        }
        else if (configured > 1)
        {
            errors.Add($"{P}:CurrentKey: required when several keys are configured (a LocalKeys id, or the KeyVaultKey URL).");
        }

        if (options.CacheSize is < 0 or > 1_000_000) errors.Add($"{P}:CacheSize: must be 0 to 1000000 (was {options.CacheSize}).");
        if (options.CacheLifetime < TimeSpan.Zero || options.CacheLifetime > TimeSpan.FromHours(1))
            errors.Add($"{P}:CacheLifetime: must be between 00:00:00 and 01:00:00 (was {options.CacheLifetime}).");
        if (options.RotationBatchSize is < 1 or > 10_000) errors.Add($"{P}:RotationBatchSize: must be 1 to 10000 (was {options.RotationBatchSize}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
