using System.Security.Claims;
using Tokengate.Identity;

namespace Tokengate.Admin;

/// <summary>The claims principal of an authenticated consumer, however it authenticated: name, group and role claims.</summary>
internal static class ConsumerPrincipal
{
    public const string GroupClaim = "tokengate:group";

    public static ClaimsPrincipal Create(Consumer consumer, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, consumer.Name) };
        if (consumer.Group is not null) claims.Add(new Claim(GroupClaim, consumer.Group));
        foreach (var role in consumer.Roles) claims.Add(new Claim(ClaimTypes.Role, role));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
