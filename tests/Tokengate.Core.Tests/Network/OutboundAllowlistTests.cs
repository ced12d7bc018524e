using Tokengate.Configuration;

namespace Tokengate.Network;

public sealed class OutboundAllowlistTests
{
    private static GatewayOptions WithBackends(params string[] endpoints)
    {
        var pool = new PoolOptions();
        for (var i = 0; i < endpoints.Length; i++)
            pool.Backends.Add(new BackendOptions { Name = $"b{i}", Endpoint = endpoints[i], ApiKey = "env:X" });
        return new GatewayOptions { Pools = { ["chat"] = pool } };
    }

    [Fact]
    public void From_EmptyList_AllowsExactlyTheConfiguredHosts()
    {
        var options = WithBackends("https://Contoso.openai.azure.com/", "http://127.0.0.1:5090");
        options.Pools["chat"].Backends[0].SecondaryApiKey = "keyvault:https://kv1.vault.azure.net/secrets/key2";
        var allowlist = OutboundAllowlist.From(options);

        Assert.True(allowlist.Allows("contoso.openai.azure.com"));
        Assert.True(allowlist.Allows("127.0.0.1"));
        Assert.True(allowlist.Allows("kv1.vault.azure.net"));
        Assert.False(allowlist.Allows("other.openai.azure.com"));
        Assert.False(allowlist.Allows("evil.example.com"));
    }

    [Fact]
    public void From_EmptyList_AllowsTheBlobServiceUriAndSignIn_ButNotAConnectionStringsHost()
    {
        var options = WithBackends("https://a.openai.azure.com/");
        options.Files.Store = Files.BlobStoreKind.AzureBlob;
        options.Files.AzureBlob.ServiceUri = "https://Contoso.blob.core.windows.net/";
        var allowlist = OutboundAllowlist.From(options);

        Assert.True(allowlist.Allows("contoso.blob.core.windows.net"));
        Assert.True(allowlist.Allows("login.microsoftonline.com"));  // DefaultAzureCredential signs in there
        Assert.Contains(OutboundAllowlist.ConfiguredHosts(options), h => h == ("Tokengate:Files:AzureBlob:ServiceUri", "contoso.blob.core.windows.net"));

        options.Files.Store = Files.BlobStoreKind.Folder;
        Assert.False(OutboundAllowlist.From(options).Allows("contoso.blob.core.windows.net"));
    }

    [Fact]
    public void From_ExplicitList_ExactHostsAndWildcardSubdomains()
    {
        var options = WithBackends("https://a.openai.azure.com/");
        options.Outbound.AllowedHosts = ["*.openai.azure.com", "login.microsoftonline.com"];
        var allowlist = OutboundAllowlist.From(options);

        Assert.True(allowlist.Allows("a.openai.azure.com"));
        Assert.True(allowlist.Allows("x.y.openai.azure.com"));
        Assert.True(allowlist.Allows("LOGIN.microsoftonline.com."));
        Assert.False(allowlist.Allows("openai.azure.com"));
        Assert.False(allowlist.Allows("evilopenai.azure.com"));
        Assert.False(allowlist.Allows("login.microsoftonline.com.evil.example"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://contoso.openai.azure.com/")]
    [InlineData("a.*.example.com")]
    [InlineData("*")]
    [InlineData("host name")]
    public void CheckPattern_NotAHost_Explains(string pattern) => Assert.NotNull(OutboundAllowlist.CheckPattern(pattern));

    [Theory]
    [InlineData("contoso.openai.azure.com")]
    [InlineData("*.vault.azure.net")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public void CheckPattern_Host_Accepted(string pattern) => Assert.Null(OutboundAllowlist.CheckPattern(pattern));
}
