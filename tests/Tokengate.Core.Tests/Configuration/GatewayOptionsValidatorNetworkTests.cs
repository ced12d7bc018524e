using Microsoft.Extensions.Options;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary>The validator's network, outbound, secrets and key rotation rules.</summary>
public sealed class GatewayOptionsValidatorNetworkTests : IDisposable
{
    private readonly string _keyVariable = "TOKENGATE_TEST_KEY_" + Guid.NewGuid().ToString("N");
    private readonly string _secondVariable = "TOKENGATE_TEST_KEY2_" + Guid.NewGuid().ToString("N");
    private readonly GatewayOptionsValidator _validator = new(new EnvironmentSecretResolver());

    public GatewayOptionsValidatorNetworkTests()
    {
        Environment.SetEnvironmentVariable(_keyVariable, "value-1");
        Environment.SetEnvironmentVariable(_secondVariable, "value-2");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_keyVariable, null);
        Environment.SetEnvironmentVariable(_secondVariable, null);
    }

    private GatewayOptions Options() => new()
    {
        Pools =
        {
            ["x"] = new PoolOptions
            {
                Backends =
                [
                    new BackendOptions { Name = "b0", Endpoint = "https://evil.example.com/", ApiKey = "env:" + _keyVariable },
                    new BackendOptions { Name = "b1", Endpoint = "https://contoso.openai.azure.com/", ApiKey = "env:" + _keyVariable },
                ],
            },
        },
    };

    private IReadOnlyList<string> Failures(GatewayOptions options)
    {
        var result = _validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        Assert.True(result.Failed);
        return [.. result.Failures!];
    }

    [Fact]
    public void Validate_BackendHostOutsideAllowedHosts_NamesFieldAndHost()
    {
        var options = Options();
        options.Outbound.AllowedHosts = ["*.openai.azure.com"];

        var failure = Assert.Single(Failures(options));
        Assert.Equal("Tokengate:Pools:x:Backends:0:Endpoint: host 'evil.example.com' is not in Tokengate:Outbound:AllowedHosts.", failure);
    }

    [Fact]
    public void Validate_EmptyAllowedHosts_AnyBackendHostIsFine()
    {
        Assert.True(_validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, Options()).Succeeded);
    }

    [Fact]
    public void Validate_KeyVaultHostOutsideAllowedHosts_NamesTheKeyField()
    {
        var options = Options();
        options.Outbound.AllowedHosts = ["evil.example.com", "contoso.openai.azure.com", .. Tokengate.Secrets.AzureSignIn.Hosts()];
        options.Pools["x"].Backends[1].ApiKey = "keyvault:https://kv.vault.azure.net/secrets/key1";
        var resolver = new CompositeSecretResolver(new EnvironmentSecretResolver(), new EnvironmentSecretResolver(), new KeyVaultSecretResolver(new NoKeyVault()));

        var result = new GatewayOptionsValidator(resolver).Validate(Microsoft.Extensions.Options.Options.DefaultName, options);

        Assert.Equal("Tokengate:Pools:x:Backends:1:ApiKey: host 'kv.vault.azure.net' is not in Tokengate:Outbound:AllowedHosts.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_EntraIdBackendWithExplicitListWithoutSignInHosts_NamesTheAuthField()
    {
        var options = Options();
        options.Outbound.AllowedHosts = ["evil.example.com", "contoso.openai.azure.com"];
        options.Pools["x"].Backends[1].ApiKey = null;
        options.Pools["x"].Backends[1].Auth = BackendAuthMode.EntraId;

        var failures = Failures(options);

        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.StartsWith("Tokengate:Pools:x:Backends:1:Auth: host '", f, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'169.254.169.254'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MalformedAllowedHost_NamesItsIndex()
    {
        var options = Options();
        options.Outbound.AllowedHosts = ["evil.example.com", "https://contoso.openai.azure.com/"];

        Assert.StartsWith("Tokengate:Outbound:AllowedHosts:1: ", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MalformedCidrs_NameEachPath()
    {
        var options = Options();
        options.Network.AllowedIpRanges = ["10.0.0.0/8", "10.0.0.0/33"];
        options.Network.TrustedProxies = ["proxy.local"];
        options.Consumers["app"] = new ConsumerOptions { KeyHashes = [Identity.KeyHash.Format("k")], AllowedIpRanges = ["10.0.0.1/8"] };

        var failures = Failures(options);

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Tokengate:Network:AllowedIpRanges:1: '10.0.0.0/33' is not a CIDR range", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Tokengate:Network:TrustedProxies:0: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Tokengate:Consumers:app:AllowedIpRanges:0: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SecondaryKeyAndSchedule_Accepted()
    {
        var options = Options();
        options.Pools["x"].Backends[0].SecondaryApiKey = "env:" + _secondVariable;
        options.Pools["x"].Backends[0].KeyRotationInterval = TimeSpan.FromDays(30);

        Assert.True(_validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options).Succeeded);
    }

    [Fact]
    public void Validate_RotationWithoutSecondaryOrTooOften_Refused()
    {
        var options = Options();
        options.Pools["x"].Backends[0].KeyRotationInterval = TimeSpan.FromSeconds(10);
        options.Pools["x"].Backends[1].SecondaryApiKey = "env:" + _keyVariable;

        var failures = Failures(options);

        Assert.Contains(failures, f => f.StartsWith("Tokengate:Pools:x:Backends:0:KeyRotationInterval: needs SecondaryApiKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Tokengate:Pools:x:Backends:0:KeyRotationInterval: must be at least one minute", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Tokengate:Pools:x:Backends:1:SecondaryApiKey: must name a different secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SecondaryKeyUnresolvable_NamesTheVariableNotAValue()
    {
        var options = Options();
        options.Pools["x"].Backends[0].SecondaryApiKey = "env:TOKENGATE_TEST_NOT_SET_" + Guid.NewGuid().ToString("N");

        var failure = Assert.Single(Failures(options));
        Assert.StartsWith("Tokengate:Pools:x:Backends:0:SecondaryApiKey: the environment variable", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("value-1", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SecondaryKeyWithEntraId_Refused()
    {
        var options = Options();
        var b = options.Pools["x"].Backends[0];
        b.Auth = BackendAuthMode.EntraId;
        b.ApiKey = null;
        b.SecondaryApiKey = "env:" + _secondVariable;

        Assert.StartsWith("Tokengate:Pools:x:Backends:0:SecondaryApiKey: only used when Auth is ApiKey", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptySecretFilePath_Refused()
    {
        var options = Options();
        options.Secrets.FilePath = " ";

        Assert.StartsWith("Tokengate:Secrets:FilePath: ", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }

    private sealed class NoKeyVault : IKeyVaultSecretClient
    {
        public bool TryGetSecret(KeyVaultReference reference, out string value, out string problem) =>
            throw new InvalidOperationException("validation must not read Key Vault");
    }
}
