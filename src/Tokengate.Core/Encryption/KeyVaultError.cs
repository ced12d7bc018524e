using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>The code of a Key Vault error.</summary>
internal sealed record KeyVaultError([property: JsonPropertyName("code")] string? Code);
