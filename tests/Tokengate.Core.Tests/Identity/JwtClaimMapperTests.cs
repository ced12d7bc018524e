using System.Security.Claims;

namespace Tokengate.Identity;

public sealed class JwtClaimMapperTests
{
    private static readonly OidcOptions Options = new()
    {
        ConsumerNames = { ["client-1"] = "checkout-app" },
        GroupMap = { ["guid-team"] = "checkout" },
        RoleMap = { ["Tokengate.Operator"] = "operator" },
    };

    [Fact]
    public void Map_MappedClaims_NameGroupAndRoles()
    {
        var consumer = new JwtClaimMapper(Options).Map(
        [
            new("oid", "user-1"), new("azp", "client-1"), new("groups", "guid-unknown"), new("groups", "guid-team"),
            new("roles", "Tokengate.Operator"), new("roles", "consumer"), new("roles", "Something.Else"),
        ]);
        Assert.NotNull(consumer);
        Assert.Equal("checkout-app", consumer.Name);
        Assert.Equal("checkout", consumer.Group);
        Assert.Equal(["consumer", "operator"], consumer.Roles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Map_NoRolesNoMappings_ConsumerRoleAndRawValues()
    {
        var consumer = new JwtClaimMapper(new OidcOptions()).Map([new Claim("appid", "client-2"), new Claim("groups", "g-1")]);
        Assert.Equal(("client-2", "g-1"), (consumer!.Name, consumer.Group));
        Assert.Equal(["consumer"], consumer.Roles);
    }

    [Fact]
    public void Map_NoConsumerClaim_Null() => Assert.Null(new JwtClaimMapper(Options).Map([new Claim("groups", "guid-team")]));

    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", true)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", true)]
    [InlineData("tg_dev_3q2-7wYh0123456789abcdef", false)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0", false)]
    [InlineData("eyJ.a.b", false)]
    [InlineData("", false)]
    public void LooksLikeJwt_Shapes(string value, bool expected) => Assert.Equal(expected, JwtTokens.LooksLikeJwt(value));
}
