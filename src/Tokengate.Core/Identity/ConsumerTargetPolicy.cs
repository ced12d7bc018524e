using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Least privilege for every admin change that targets a consumer (creating it, issuing, rotating or revoking its
/// keys, disabling it, approving an elevation for it): the caller may act on a consumer only when it could grant
/// every role that consumer holds. Without this an operator could create or rotate a key of an admin consumer and
/// receive it, and so hold admin without anyone granting it. Which roles a caller can grant follows from its
/// effective roles (elevations included): an admin grants every role, an operator only <c>consumer</c>, anyone
/// else nothing. The rule is written here once; <see cref="ConsumerAdministration"/> and the elevation service ask it.
/// </summary>
internal static class ConsumerTargetPolicy
{
    /// <summary>True when a caller holding <paramref name="callerRoles"/> could grant <paramref name="role"/> to a consumer.</summary>
    public static bool CanGrant(IReadOnlySet<string> callerRoles, string role)
    {
        if (Roles.Includes(callerRoles, Roles.Admin)) return true;
        // An operator may not hand out management roles, not even its own or the lesser reader: granting roles is
        // what admin is for (the same line the admin API has always drawn for creating consumers).
        return Roles.Includes(callerRoles, Roles.Operator) && string.Equals(role, Roles.Consumer, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when a caller holding <paramref name="callerRoles"/> may act on a consumer holding <paramref name="targetRoles"/>.</summary>
    public static bool MayActOn(IReadOnlySet<string> callerRoles, IReadOnlyCollection<string> targetRoles)
    {
        // A consumer stored without roles is served as 'consumer' (what a credential with no role gets), so acting
        // on it still takes someone who can grant that; an empty set must not mean "anyone may".
        if (targetRoles.Count == 0) return CanGrant(callerRoles, Roles.Consumer);
        foreach (var role in targetRoles)
        {
            if (!CanGrant(callerRoles, role)) return false;
        }
        return true;
    }

    /// <summary>Null when <paramref name="caller"/> may act on <paramref name="consumer"/>; else the 403 to answer with (it names roles, never a key).</summary>
    public static GatewayError? Check(AdminCaller caller, string consumer, IReadOnlyCollection<string> targetRoles) =>
        MayActOn(caller.Roles, targetRoles)
            ? null
            : AdminErrors.Forbidden(
                $"'{caller.Actor.Name}' (roles: {Describe(caller.Roles)}) may not act on consumer '{consumer}' (roles: {Describe(targetRoles)}): "
                + "only a principal that could grant every role a consumer holds may change it or receive its keys.");

    private static string Describe(IEnumerable<string> roles)
    {
        var sorted = roles.Order(StringComparer.Ordinal).ToArray();
        return sorted.Length == 0 ? "none" : string.Join(", ", sorted);
    }
}
