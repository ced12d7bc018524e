using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Secrets;

namespace Tokengate.Authorization;

public sealed class AccessOptionsValidationTests
{
    private static GatewayOptions Options(Action<AccessOptions> access)
    {
        var options = new GatewayOptions();
        options.Pools["gpt-4o"] = new PoolOptions
        {
            Aliases = ["chat"],
            Backends = [new BackendOptions { Name = "b", Endpoint = "https://b.example.com", Auth = BackendAuthMode.None }],
        };
        access(options.Access);
        return options;
    }

    [Fact]
    public void Validate_BadScopes_NamesEachByPath()
    {
        var result = new GatewayOptionsValidator(new EnvironmentSecretResolver()).Validate(null, Options(a =>
        {
            a.Groups["team"] = new ScopeOptions { Deployments = ["chat", "gpt-5"], Operations = ["chat", "speech"] };
            a.Consumers["app"] = new ScopeOptions { Deployments = ["*"] };
        }));
        Assert.Equal(
        [
            "Tokengate:Access:Groups:team:Deployments: 'gpt-5' is not a pool name or alias (or '*').",
            "Tokengate:Access:Groups:team:Operations: unknown operation 'speech' (known: chat, completions, embeddings, responses, images, audio, realtime, files, batch, fine-tuning, *).",
            "Tokengate:Access:Consumers:app:Operations: name at least one operation (or '*') for the deployments given.",
        ], result.Failures);
    }

    [Fact]
    public void Validate_OidcWithoutScopes_Fails()
    {
        var oidc = Microsoft.Extensions.Options.Options.Create(new OidcOptions { Authority = "https://login.example.com/t", Audiences = ["api://x"] });
        var validator = new GatewayOptionsValidator(new EnvironmentSecretResolver(), oidc);
        Assert.Contains(validator.Validate(null, Options(_ => { })).Failures!, f => f.StartsWith("Tokengate:Access: scopes are required", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, Options(a => a.Default = new ScopeOptions())).Succeeded);
    }
}
