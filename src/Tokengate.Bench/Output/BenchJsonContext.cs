using System.Text.Json.Serialization;
using Tokengate.Bench.Stats;

namespace Tokengate.Bench.Output;

/// <summary>Source-generated JSON for the report lines: snake_case names, every field written even when null.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
