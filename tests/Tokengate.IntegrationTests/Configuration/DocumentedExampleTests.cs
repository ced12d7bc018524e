using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Configuration;

/// <summary>The example configuration in docs/ is valid, so users can start from it.</summary>
public sealed class DocumentedExampleTests
{
    [Fact]
    public void GatewayExample_BindsAndValidates()
    {
        Environment.SetEnvironmentVariable("AOAI_SWEDEN_KEY", "example-sweden-key");
        Environment.SetEnvironmentVariable("AOAI_WESTUS3_KEY", "example-westus3-key");
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "docs", "examples", "gateway.json"))
            .Build();
        var options = new GatewayOptions();
        configuration.GetSection(GatewayOptions.SectionName).Bind(options);

        var result = new GatewayOptionsValidator(new Tokengate.Secrets.EnvironmentSecretResolver()).Validate(Options.DefaultName, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(3, options.Pools["gpt-4o"].Backends.Count);
        Assert.Equal(BackendType.Provisioned, options.Pools["gpt-4o"].Backends[0].Type);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Forwarding.Deadline);
    }

    [Fact]
    public void GatewayExample_ConsumerKeyHash_MatchesTheDocumentedKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "docs", "examples", "gateway.json"))
            .Build();
        Assert.Equal(Tokengate.Identity.KeyHash.Format("checkout-service-example-key"), configuration["Tokengate:Consumers:checkout-service:KeyHashes:0"]);
    }
}
