namespace Tokengate.Admin;

/// <summary>Authorization policy names of the admin API, one per management role.</summary>
public static class AdminPolicies
{
    /// <summary>Any authenticated principal, whatever its roles (e.g. to request an elevation).</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Requires <c>reader</c> or higher.</summary>
    public const string Reader = Identity.Roles.Reader;

    /// <summary>Requires <c>operator</c> or higher.</summary>
    public const string Operator = Identity.Roles.Operator;

    /// <summary>Requires <c>admin</c>.</summary>
    public const string Admin = Identity.Roles.Admin;
}
