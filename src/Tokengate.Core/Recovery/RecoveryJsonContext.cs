using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokengate.Recovery;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(RedeployPlan))]
[JsonSerializable(typeof(VerifyReport))]
internal sealed partial class RecoveryJsonContext : JsonSerializerContext;
