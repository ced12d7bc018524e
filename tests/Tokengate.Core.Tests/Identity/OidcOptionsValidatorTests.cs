using Microsoft.Extensions.Options;

namespace Tokengate.Identity;

public sealed class OidcOptionsValidatorTests
{
    [Fact]
    public void Validate_NotConfigured_Succeeds() => Assert.True(new OidcOptionsValidator().Validate(null, new OidcOptions()).Succeeded);

    [Fact]
    public void Validate_BadFields_NamesEachByPath()
    {
        var result = new OidcOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, new OidcOptions
        {
            Authority = "http://login.example.com/tenant",
            ClockSkew = TimeSpan.FromHours(1),
            RoleMap = { ["X"] = "root" },
        });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("Tokengate:Identity:Oidc:Authority: must be https", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith("Tokengate:Identity:Oidc:Audiences:", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith("Tokengate:Identity:Oidc:ClockSkew:", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith("Tokengate:Identity:Oidc:RoleMap:X: unknown role 'root'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_JwksWithoutIssuer_Fails()
    {
        var result = new OidcOptionsValidator().Validate(null, new OidcOptions { JwksUri = "https://keys.example.com/jwks", Audiences = ["api://x"] });
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Identity:Oidc:Issuer: required", StringComparison.Ordinal));
    }
}
