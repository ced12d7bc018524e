using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Which tier serves a chat or Responses request (reference part 2, §E.2): <c>auto</c> or nothing takes the
/// deployment's tier; <c>priority</c> is served as <c>priority</c> unless the deployment downgrades it to
/// <c>default</c> (as Azure does past its ramp limit); <c>default</c> is <c>default</c>; <c>flex</c> is <c>flex</c>
/// where the deployment supports it and a 400 <c>invalid_request_error</c> otherwise, with no fallback.
/// </summary>
internal static class ServiceTierRule
{
    public static string? Resolve(JsonElement root, SimulatedDeploymentOptions deployment, out (string Message, string? Param, string? Code) error)
    {
        error = default;
        var asked = "auto";
        if (root.TryGetProperty("service_tier", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                error = RequestErrors.InvalidType("service_tier", "a string", value);
                return null;
            }

            asked = value.GetString()!;
        }

        switch (asked)
        {
            case "auto":
                return deployment.ServiceTier == "priority" && deployment.PriorityDowngrade ? "default" : deployment.ServiceTier;
            case "default":
                return "default";
            case "priority":
                return deployment.PriorityDowngrade ? "default" : "priority";
            case "flex" when deployment.SupportsFlex:
                return "flex";
            case "flex":
                error = RequestErrors.InvalidValue("service_tier", "Flex processing is not available for this model or deployment. Remove 'service_tier' or use 'auto', 'default' or 'priority'.");
                return null;
            default:
                error = RequestErrors.InvalidValue("service_tier", $"Invalid value for 'service_tier': '{asked}'. Supported values are: 'auto', 'default', 'flex' and 'priority'.");
                return null;
        }
    }
}
