namespace Tokengate.Identity;

/// <summary>
/// The roles, least privilege first. Each management role includes the ones before it
/// (<c>admin</c> ⊇ <c>operator</c> ⊇ <c>reader</c>); <c>consumer</c> (calling models) is separate.
/// </summary>
public static class Roles
{
    /// <summary>Calls models.</summary>
    public const string Consumer = "consumer";

    /// <summary>Sees usage, metrics and health.</summary>
    public const string Reader = "reader";

    /// <summary>Manages consumers, keys and pools.</summary>
    public const string Operator = "operator";

    /// <summary>Everything, including roles.</summary>
    public const string Admin = "admin";

    /// <summary>Every known role.</summary>
    public static IReadOnlyList<string> All { get; } = [Consumer, Reader, Operator, Admin];

    private static readonly string[] ManagementOrder = [Reader, Operator, Admin];

    /// <summary>True when one of <paramref name="held"/> is a management role ranked at or above <paramref name="required"/>.</summary>
    public static bool Includes(IReadOnlySet<string> held, string required)
    {
        var needed = Array.IndexOf(ManagementOrder, required);
        if (needed < 0) return held.Contains(required);
        for (var i = needed; i < ManagementOrder.Length; i++)
        {
            if (held.Contains(ManagementOrder[i])) return true;
        }
        return false;
    }
}
