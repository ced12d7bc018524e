using Tokengate.Configuration;

namespace Tokengate.Screening;

/// <summary>Checks the screening policies (<c>Tokengate:Screening</c>) on start and on every reload.</summary>
internal static class ScreeningOptionsValidation
{
    private const string Root = GatewayOptions.SectionName + ":Screening";

    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    public static void Validate(GatewayOptions options, List<string> errors)
    {
        var screening = options.Screening;
        Policy(screening.Default, $"{Root}:Default", errors);
        foreach (var (name, policy) in screening.Consumers) Policy(policy, $"{Root}:Consumers:{name}", errors);
        foreach (var (name, policy) in screening.Groups) Policy(policy, $"{Root}:Groups:{name}", errors);
        foreach (var (name, policy) in screening.Deployments)
        {
            var p = $"{Root}:Deployments:{name}";
            if (!options.Pools.ContainsKey(name)) errors.Add($"{p}: '{name}' is not a pool.");
            Policy(policy, p, errors);
        }
    }

    private static void Policy(ScreeningPolicyOptions? policy, string p, List<string> errors)
    {
        if (policy is null)
        {
            errors.Add($"{p}: must be a policy.");
            return;
        }
        if (!Enum.IsDefined(policy.Mode)) errors.Add($"{p}:Mode: must be Off, Monitor, Annotate or Block.");
        if (!Enum.IsDefined(policy.Combine)) errors.Add($"{p}:Combine: must be Any, All or First.");
        if (!Enum.IsDefined(policy.OnDetectorFailure)) errors.Add($"{p}:OnDetectorFailure: must be Open or Closed.");
        if (policy.Timeout < MinTimeout || policy.Timeout > MaxTimeout)
            errors.Add($"{p}:Timeout: must be between {MinTimeout} and {MaxTimeout} (was {policy.Timeout}).");
        if (policy.Detectors is not { } detectors) return;
        if (detectors.Count == 0 && policy.Mode != ScreeningMode.Off) errors.Add($"{p}:Detectors: name at least one detector, or leave it out for the default.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < detectors.Count; i++)
        {
            var name = detectors[i];
            if (string.IsNullOrWhiteSpace(name) || !DetectorNames.Known.Contains(name))
                errors.Add($"{p}:Detectors:{i}: '{name}' is not a detector (known: {string.Join(", ", DetectorNames.Known.Order(StringComparer.Ordinal))}).");
            else if (!seen.Add(name)) errors.Add($"{p}:Detectors:{i}: '{name}' is named twice.");
        }
    }
}
