using System.Text.Json.Serialization;

namespace Tokengate.Secrets;

/// <summary>Source-generated JSON for the secret file's contents.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SecretFileJsonContext : JsonSerializerContext;
