using Tokengate.OperatorConsole;
using Tokengate.Secrets;

namespace Tokengate.Core.Tests.OperatorConsole;

public sealed class ConsoleOptionsValidatorTests
{
    private static readonly ConsoleOptionsValidator Validator = new(new EnvironmentSecretResolver());

    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.True(Validator.Validate(null, new ConsoleOptions()).Succeeded);

    [Fact]
    public void Validate_SlidingLongerThanAbsolute_NamesField()
    {
        var result = Validator.Validate(null, new ConsoleOptions { SlidingExpiration = TimeSpan.FromHours(13) });
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Console:SlidingExpiration", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadCookieName_NamesField()
    {
        var result = Validator.Validate(null, new ConsoleOptions { CookieName = "a b;" });
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Console:CookieName", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OidcWithoutClientIdOrHttps_NamesFields()
    {
        var result = Validator.Validate(null, new ConsoleOptions { Oidc = { Authority = "http://login.example/tenant/v2.0", Scopes = ["profile"] } });
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Console:Oidc:Authority", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Console:Oidc:ClientId", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Tokengate:Console:Oidc:Scopes", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OidcComplete_Succeeds()
    {
        var options = new ConsoleOptions
        {
            Oidc = { Authority = "https://login.microsoftonline.com/contoso/v2.0", ClientId = "app", RoleMap = { ["Tokengate.Operator"] = "operator" } },
        };
        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_OidcUnknownRole_NamesField()
    {
        var options = new ConsoleOptions { Oidc = { Authority = "https://login.example", ClientId = "app", RoleMap = { ["x"] = "root" } } };
        Assert.Contains(Validator.Validate(null, options).Failures!, f => f.StartsWith("Tokengate:Console:Oidc:RoleMap:x", StringComparison.Ordinal));
    }
}
