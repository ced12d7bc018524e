using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>Source-generated JSON for the Key Vault keys REST API.</summary>
[JsonSerializable(typeof(KeyOperationRequest))]
[JsonSerializable(typeof(KeyOperationResult))]
[JsonSerializable(typeof(KeyVaultErrorResponse))]
internal sealed partial class KeyVaultKeyJsonContext : JsonSerializerContext;
