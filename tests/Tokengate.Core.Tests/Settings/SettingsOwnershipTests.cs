using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Tokengate.Settings;

namespace Tokengate.Core.Tests.Settings;

public sealed class SettingsOwnershipTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-ownership-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IConfigurationRoot Build(ManagedSettingsSource managed, string fileJson)
    {
        var file = Path.Combine(_folder, "policy.json");
        File.WriteAllText(file, fileJson);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" })
            .Add(managed)
            .AddJsonFile(file)
            .Build();
    }

    [Fact]
    public void Owner_KeyDefinedInFile_NamesTheFile()
    {
        var config = Build(new ManagedSettingsSource(), """{"Tokengate":{"Limits":{"Consumers":{"alice":{"TokensPerMinute":10}}}}}""");
        Assert.Equal("policy.json", SettingsOwnership.Owner(config, ["Tokengate:Limits:Consumers:alice"]));
        Assert.Equal("policy.json", SettingsOwnership.Owner(config, ["tokengate:limits:consumers:ALICE"]));
    }

    [Fact]
    public void Owner_KeyOnlyManaged_IsNull()
    {
        var managed = new ManagedSettingsSource();
        var config = Build(managed, "{}");
        managed.Provider.Replace(new StoredSettings(1, new Dictionary<string, string?> { ["Tokengate:Limits:Consumers:bob:TokensPerMinute"] = "5" }));
        Assert.Null(SettingsOwnership.Owner(config, ["Tokengate:Limits:Consumers:bob"]));
        Assert.Equal("5", config["Tokengate:Limits:Consumers:bob:TokensPerMinute"]);
    }

    [Fact]
    public void Replace_FileDefinesSameKey_FileWins()
    {
        var managed = new ManagedSettingsSource();
        var config = Build(managed, """{"Tokengate":{"Limits":{"Consumers":{"bob":{"TokensPerMinute":10}}}}}""");
        var reloaded = 0;
        config.GetReloadToken().RegisterChangeCallback(_ => reloaded++, null);
        managed.Provider.Replace(new StoredSettings(2, new Dictionary<string, string?> { ["Tokengate:Limits:Consumers:bob:TokensPerMinute"] = "5" }));
        Assert.Equal("10", config["Tokengate:Limits:Consumers:bob:TokensPerMinute"]);
        Assert.Equal(1, reloaded);
        Assert.Equal(2, managed.Provider.Version);
    }

    [Fact]
    public void Owner_SiblingWithCommonPrefix_DoesNotOwn()
    {
        var config = Build(new ManagedSettingsSource(), """{"Tokengate":{"Limits":{"Consumers":{"alice2":{"TokensPerMinute":10}}}}}""");
        Assert.Null(SettingsOwnership.Owner(config, ["Tokengate:Limits:Consumers:alice"]));
    }

    [Fact]
    public void Flatten_NestedObjectAndArray_WritesConfigurationKeys()
    {
        using var json = JsonDocument.Parse("""{"deployments":["chat","embed"],"operations":["*"],"mcpServerHosts":null,"limit":5,"on":true}""");
        var values = new Dictionary<string, string?>();
        SettingsKeys.Flatten("Tokengate:Access:Consumers:a", json.RootElement, values);
        Assert.Equal("chat", values["Tokengate:Access:Consumers:a:Deployments:0"]);
        Assert.Equal("embed", values["Tokengate:Access:Consumers:a:Deployments:1"]);
        Assert.Equal("*", values["Tokengate:Access:Consumers:a:Operations:0"]);
        Assert.Equal("5", values["Tokengate:Access:Consumers:a:Limit"]);
        Assert.Equal("true", values["Tokengate:Access:Consumers:a:On"]);
        Assert.DoesNotContain(values.Keys, k => k.Contains("McpServerHosts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Tokengate:Limits:Consumers:a", "Tokengate:Limits:Consumers:a", true)]
    [InlineData("Tokengate:Limits:Consumers:a:TokensPerMinute", "Tokengate:Limits:Consumers:a", true)]
    [InlineData("tokengate:limits:consumers:A:x", "Tokengate:Limits:Consumers:a", true)]
    [InlineData("Tokengate:Limits:Consumers:ab", "Tokengate:Limits:Consumers:a", false)]
    public void IsUnder_Keys_ComparesByPathSegment(string key, string prefix, bool expected) =>
        Assert.Equal(expected, SettingsKeys.IsUnder(key, prefix));
}
