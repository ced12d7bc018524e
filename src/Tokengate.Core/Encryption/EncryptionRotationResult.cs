using System.Text.Json.Serialization;

namespace Tokengate.Encryption;

/// <summary>The answer to a rotation: the current KEK, how many data keys were re-wrapped, and how many each KEK wraps now.</summary>
internal sealed record EncryptionRotationResult(
    [property: JsonPropertyName("current_key")] string CurrentKey,
    [property: JsonPropertyName("rewrapped")] int Rewrapped,
    [property: JsonPropertyName("keys")] IReadOnlyDictionary<string, long> Keys);
