using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokengate.Simulator.Deployments;

/// <summary>Serializer settings of the control plane (camelCase, enums as strings); never used on the data path.</summary>
internal static class SimulatorJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>For PATCH bodies: a misspelt setting is refused rather than silently ignored.</summary>
    public static readonly JsonSerializerOptions Strict = new(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Deep copy through JSON: options are plain settable trees, and this keeps copies in step with new members.</summary>
    public static SimulatedDeploymentOptions Clone(SimulatedDeploymentOptions options) =>
        JsonSerializer.Deserialize<SimulatedDeploymentOptions>(JsonSerializer.SerializeToUtf8Bytes(options, Options), Options)!;
}
