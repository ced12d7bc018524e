using System.Text.Json.Serialization;

namespace Tokengate.Batches;

/// <summary>Source-generated JSON for what batches store as JSON text.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class BatchJsonContext : JsonSerializerContext;
