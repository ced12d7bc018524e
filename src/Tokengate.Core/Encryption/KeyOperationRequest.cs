using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>The body of a Key Vault <c>wrapkey</c> / <c>unwrapkey</c> call.</summary>
internal sealed record KeyOperationRequest([property: JsonPropertyName("alg")] string Algorithm, [property: JsonPropertyName("value")] string Value);
