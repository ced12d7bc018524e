using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>Key Vault's answer to <c>wrapkey</c> / <c>unwrapkey</c>: the key version used and the (un)wrapped key, base64url.</summary>
internal sealed record KeyOperationResult([property: JsonPropertyName("kid")] string? KeyId, [property: JsonPropertyName("value")] string? Value);
