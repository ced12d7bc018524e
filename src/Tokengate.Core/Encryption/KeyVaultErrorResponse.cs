using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>Key Vault's error body; only the code is read.</summary>
internal sealed record KeyVaultErrorResponse([property: JsonPropertyName("error")] KeyVaultError? Error);
