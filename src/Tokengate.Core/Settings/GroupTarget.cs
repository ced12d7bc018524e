using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Settings;

/// <summary>
/// A group's policy and budgets reach every member, so changing them is acting on each member: the caller must be
/// allowed to act on every consumer in the group (<see cref="ConsumerTargetPolicy"/>), as it must to change one of them
/// directly. Otherwise an operator could throttle an admin's traffic, or loosen its own controls, through the group.
/// </summary>
internal static class GroupTarget
{
    /// <summary>Null when <paramref name="caller"/> may change group <paramref name="group"/>; else the 403 naming the first member it may not act on.</summary>
    public static async Task<GatewayError?> CheckAsync(AdminCaller caller, string group, GroupDirectory groups, ConsumerStore store,
        GatewayConfiguration configuration, CancellationToken cancellationToken)
    {
        var all = await groups.ListAsync(cancellationToken).ConfigureAwait(false);
        if (!all.TryGetValue(group, out var members)) return null;
        foreach (var member in members)
        {
            if (await ConsumerTarget.FindAsync(member, store, configuration, cancellationToken).ConfigureAwait(false) is not { } target) continue;
            if (!ConsumerTargetPolicy.MayActOn(caller.Roles, target.Roles))
                return AdminErrors.Forbidden(
                    $"'{caller.Actor.Name}' may not change group '{group}': its member '{target.Name}' holds roles ({string.Join(", ", target.Roles)}) "
                    + "that the caller could not grant, and a group's policy and budgets apply to every member.");
        }
        return null;
    }
}
