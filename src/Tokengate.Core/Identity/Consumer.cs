namespace Tokengate.Identity;

/// <summary>An authenticated caller of the gateway.</summary>
/// <param name="Name">The consumer's name (an application or a person).</param>
/// <param name="Group">The consumer group (team) it belongs to, if any.</param>
/// <param name="Roles">Its roles: <c>consumer</c>, <c>reader</c>, <c>operator</c>, <c>admin</c>.</param>
public sealed record Consumer(string Name, string? Group, IReadOnlySet<string> Roles)
{
    /// <summary>True when the consumer holds <paramref name="role"/> or a role that includes it.</summary>
    public bool HasRole(string role) => Roles.Contains(role) || Identity.Roles.Includes(Roles, role);
}
