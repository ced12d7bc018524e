using Tokengate.Configuration;
using Tokengate.Logging;

namespace Tokengate.Settings;

/// <summary>
/// The parts of a consumer's or group's policy that the admin API edits, and the configuration keys each is kept
/// under. A part is replaced whole; a part that another source defines is owned by it (<see cref="OwnedBy"/>).
/// </summary>
internal static class PolicyParts
{
    public const string Scopes = "scopes";
    public const string AllowedIpRanges = "allowedIpRanges";
    public const string Limits = "limits";
    public const string Logging = "logging";
    public const string Screening = "screening";
    public const string Budgets = "budgets";

    /// <summary>The parts a <c>PUT .../policy</c> body may carry, per scope (IP ranges are a consumer's only).</summary>
    public static IReadOnlyList<string> Editable(bool consumer) =>
        consumer ? [Scopes, AllowedIpRanges, Limits, Logging, Screening] : [Scopes, Limits, Logging, Screening];

    /// <summary>Every part a detail view shows, with its source.</summary>
    public static IReadOnlyList<string> Shown(bool consumer) =>
        consumer ? [Scopes, AllowedIpRanges, Limits, Budgets, Logging, Screening] : [Scopes, Limits, Budgets, Logging, Screening];

    /// <summary><c>Consumers</c> or <c>Groups</c>: the dictionary name each policy section uses.</summary>
    public static string Section(bool consumer) => consumer ? "Consumers" : "Groups";

    /// <summary>The key the managed layer writes the part under.</summary>
    public static string Key(string part, bool consumer, string name)
    {
        var root = GatewayOptions.SectionName;
        var s = Section(consumer);
        return part switch
        {
            Scopes => $"{root}:Access:{s}:{name}",
            AllowedIpRanges => $"{root}:Network:Consumers:{name}:AllowedIpRanges",
            Limits => $"{root}:Limits:{s}:{name}",
            Logging => $"{RequestLogOptions.SectionName}:{s}:{name}",
            Screening => $"{root}:Screening:{s}:{name}",
            Budgets => $"{root}:Budgets:{s}:{name}",
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Unknown policy part."),
        };
    }

    /// <summary>The keys whose definition by a non-managed source makes the part that source's.</summary>
    public static IReadOnlyList<string> OwnedBy(string part, bool consumer, string name) => part == AllowedIpRanges
        ? [Key(part, consumer, name), $"{GatewayOptions.SectionName}:Consumers:{name}:AllowedIpRanges"]
        : [Key(part, consumer, name)];

    /// <summary>The options type a part binds to, so a misspelt field or a wrong type is refused rather than ignored.</summary>
    public static Type BindsAs(string part) => part switch
    {
        Scopes => typeof(ScopeOptions),
        AllowedIpRanges => typeof(List<string>),
        Limits => typeof(LimitRuleOptions),
        Logging => typeof(RequestLogPolicy),
        Screening => typeof(Tokengate.Screening.ScreeningPolicyOptions),
        Budgets => typeof(List<BudgetOptions>),
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Unknown policy part."),
    };

    /// <summary>The key of a group's description.</summary>
    public static string DescriptionKey(string group) => $"{GatewayOptions.SectionName}:Groups:{group}:Description";
}
