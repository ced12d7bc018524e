namespace Tokengate.Admin;

/// <summary>Authorization policy names of the admin API, one per management role.</summary>
public static class AdminPolicies
{
    /// <summary>Requires <c>reader</c> or higher.</summary>
    public const string Reader = Identity.Roles.Reader;

    /// <summary>Requires <c>operator</c> or higher.</summary>
    public const string Operator = Identity.Roles.Operator;

    /// <summary>Requires <c>admin</c>.</summary>
    public const string Admin = Identity.Roles.Admin;
}
