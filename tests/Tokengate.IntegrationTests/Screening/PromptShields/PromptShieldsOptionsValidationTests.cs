using Tokengate.Configuration;
using Tokengate.Network;
using Tokengate.Screening;
using Tokengate.Screening.PromptShields;
using Tokengate.Secrets;

namespace Tokengate.IntegrationTests.Screening.PromptShields;

public sealed class PromptShieldsOptionsValidationTests
{
    private static readonly ISecretResolver Secrets =
        new CompositeSecretResolver(new StaticSecretResolver("k"), new StaticSecretResolver("k"), new StaticSecretResolver("k"));

    [Fact]
    public void Validate_NotConfigured_NoErrors()
    {
        Assert.Empty(Errors(new PromptShieldsOptions()));
    }

    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(Errors(new PromptShieldsOptions { Endpoint = "https://contoso-safety.cognitiveservices.azure.com/", ApiKey = "env:CS_KEY" }));
    }

    [Fact]
    public void Validate_BadSettings_EachNamedByPath()
    {
        var errors = Errors(new PromptShieldsOptions
        {
            Endpoint = "contoso-safety.cognitiveservices.azure.com",
            ApiKey = "the-key-itself",
            ApiVersion = "",
            CallTimeout = TimeSpan.Zero,
            RequestsPer10Seconds = 0,
            MaxCallsPerScreen = 0,
            CacheEntries = -1,
            CacheLifetime = TimeSpan.Zero,
        });

        foreach (var field in new[] { "Endpoint", "ApiKey", "ApiVersion", "CallTimeout", "RequestsPer10Seconds", "MaxCallsPerScreen", "CacheEntries", "CacheLifetime" })
        {
            Assert.Contains(errors, e => e.StartsWith($"Tokengate:Screening:PromptShields:{field}:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_KeyWithoutEndpoint_EndpointRequired()
    {
        Assert.Contains(Errors(new PromptShieldsOptions { ApiKey = "env:CS_KEY" }), e => e.StartsWith("Tokengate:Screening:PromptShields:Endpoint:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ThroughGatewayValidator_ErrorReported()
    {
        var options = new GatewayOptions();
        options.Screening.PromptShields = new PromptShieldsOptions { Endpoint = "https://cs.example.com/", CallTimeout = TimeSpan.Zero };

        var result = new GatewayOptionsValidator(Secrets).Validate(null, options);

        Assert.Contains(result.Failures!, e => e.StartsWith("Tokengate:Screening:PromptShields:CallTimeout:", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfiguredHosts_EndpointAndKeyVault_JoinTheAllowlist()
    {
        var options = new GatewayOptions();
        options.Screening.PromptShields = new PromptShieldsOptions
        {
            Endpoint = "https://Contoso-Safety.cognitiveservices.azure.com/",
            ApiKey = "keyvault:https://contoso-vault.vault.azure.net/secrets/content-safety",
        };

        var allowlist = OutboundAllowlist.From(options);

        Assert.True(allowlist.Allows("contoso-safety.cognitiveservices.azure.com"));
        Assert.True(allowlist.Allows("contoso-vault.vault.azure.net"));
        Assert.Contains(OutboundAllowlist.ConfiguredHosts(options), h => h.Path == "Tokengate:Screening:PromptShields:Endpoint");
    }

    [Fact]
    public void ConfiguredHosts_ManagedIdentity_SignInHostsJoin()
    {
        var options = new GatewayOptions();
        options.Screening.PromptShields = new PromptShieldsOptions { Endpoint = "https://cs.example.com/" };

        var allowlist = OutboundAllowlist.From(options);

        Assert.True(allowlist.Allows(AzureSignIn.InstanceMetadataHost));
    }

    private static List<string> Errors(PromptShieldsOptions promptShields)
    {
        var options = new GatewayOptions();
        options.Screening.PromptShields = promptShields;
        var errors = new List<string>();
        PromptShieldsOptionsValidation.Validate(options, Secrets, errors);
        return errors;
    }
}
