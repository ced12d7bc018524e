using System.Text.Json;
using System.Text.Json.Nodes;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Deploy;

/// <summary>
/// The gateway configuration the template generates: the file mounted as /config/gateway.json (output
/// <c>gatewayConfiguration</c>, evaluated by <c>bicep snapshot</c>) plus the <c>Tokengate__…</c> environment variables
/// of the app whose values exist only after deployment (the identity's client id, the key version), filled in here
/// with stand-ins. <c>tokengate assess</c> finds no fail in it.
/// </summary>
public sealed class GeneratedConfigurationTests : IDisposable
{
    private const string ClientId = "11111111-2222-3333-4444-555555555555";
    private const string KeyVersion = "0123456789abcdef0123456789abcdef";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-deploy-assess-").FullName;

    public static TheoryData<string> ParameterFiles => [.. BicepCli.ParameterFiles];

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public void MountedFile_EnvironmentAndOutputs_AreOneExpression()
    {
        var template = BicepCli.Build("main.bicep");
        var gateway = template["resources"]!["gateway"]!["properties"]!["parameters"]!;
        var outputs = template["outputs"]!;

        Assert.Equal("[string(variables('gatewayConfigurationValue'))]", gateway["configurationJson"]!["value"]!.GetValue<string>());
        Assert.Equal("[variables('gatewayConfigurationValue')]", outputs["gatewayConfiguration"]!["value"]!.GetValue<string>());
        Assert.Equal(outputs["gatewayEnvironment"]!["value"]!.GetValue<string>(), gateway["configurationEnvironment"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Production_Configuration_EntraIdEverywhere_SharedState_NoSecret()
    {
        var snapshot = BicepCli.Snapshot("production.bicepparam");
        var configuration = Generate("production.bicepparam")["Tokengate"]!;
        var backends = configuration["Pools"]!["gpt-4o"]!["Backends"]!.AsArray();

        Assert.Equal(6, backends.Count);
        Assert.All(backends, b => Assert.Equal("EntraId", b!["Auth"]!.GetValue<string>()));
        Assert.All(backends, b => Assert.Equal(ClientId, b!["ManagedIdentityClientId"]!.GetValue<string>()));
        Assert.All(backends, b => Assert.Null(b!["ApiKey"]));
        Assert.Equal(["GlobalBatch", "Provisioned", "Provisioned", "Standard", "Standard", "Standard"], backends.Select(b => b!["Type"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var openAi = snapshot["predictedResources"]!.AsArray().Where(r => r!["kind"]?.GetValue<string>() == "OpenAI").Select(r => $"https://{r!["name"]}.openai.azure.com/");
        Assert.Equal(openAi.Order(StringComparer.Ordinal), backends.Select(b => b!["Endpoint"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal));

        var vault = snapshot["predictedResources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.KeyVault/vaults")!["name"]!.GetValue<string>();
        var secrets = snapshot["predictedResources"]!.AsArray().Where(r => r!["type"]!.GetValue<string>() == "Microsoft.KeyVault/vaults/secrets").Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Equal("PostgreSql", configuration["Data"]!["Provider"]!.GetValue<string>());
        Assert.Equal($"keyvault:https://{vault}.vault.azure.net/secrets/tokengate-postgres", configuration["Data"]!["ConnectionString"]!.GetValue<string>());
        Assert.Equal($"keyvault:https://{vault}.vault.azure.net/secrets/tokengate-redis", configuration["State"]!["Redis"]!["ConnectionString"]!.GetValue<string>());
        Assert.Equal([$"{vault}/tokengate-postgres", $"{vault}/tokengate-redis"], secrets.Order(StringComparer.Ordinal));
        Assert.Equal("Redis", configuration["State"]!["Provider"]!.GetValue<string>());
        Assert.Equal(6, configuration["State"]!["InstanceCount"]!.GetValue<int>());
        Assert.StartsWith("keyvault:https://", configuration["State"]!["Redis"]!["ConnectionString"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("AzureBlob", configuration["Files"]!["Store"]!.GetValue<string>());
        Assert.Matches("^https://[a-z0-9]+\\.blob\\.core\\.windows\\.net$", configuration["Files"]!["AzureBlob"]!["ServiceUri"]!.GetValue<string>());
        Assert.Equal(ClientId, configuration["Files"]!["AzureBlob"]!["ManagedIdentityClientId"]!.GetValue<string>());
        Assert.Matches($"^https://[a-z0-9-]+\\.vault\\.azure\\.net/keys/tokengate-kek/{KeyVersion}$", configuration["Encryption"]!["KeyVaultKey"]!.GetValue<string>());
        Assert.Equal(ClientId, configuration["Secrets"]!["KeyVaultManagedIdentityClientId"]!.GetValue<string>());
        Assert.Matches("^https://[a-z0-9-]+\\.cognitiveservices\\.azure\\.com/$", configuration["Screening"]!["PromptShields"]!["Endpoint"]!.GetValue<string>());
        Assert.Equal("Block", configuration["Screening"]!["Default"]!["Mode"]!.GetValue<string>());
        Assert.DoesNotContain(BicepCli.TestPassword, JsonSerializer.Serialize(snapshot["outputs"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Small_Configuration_OneInstance_StateInRedis()
    {
        var configuration = Generate("small.bicepparam")["Tokengate"]!;

        Assert.Equal("Redis", configuration["State"]!["Provider"]!.GetValue<string>());
        Assert.Equal(1, configuration["State"]!["InstanceCount"]!.GetValue<int>());
        Assert.Equal(["GlobalBatch", "Standard"], configuration["Pools"]!["gpt-4o"]!["Backends"]!.AsArray().Select(b => b!["Type"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// <c>tokengate assess</c> (exit 0: no item fails; 1: an item fails; 2: the configuration does not read or
    /// validate) on the configuration each parameter file generates.
    /// </summary>
    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public async Task Assess_GeneratedConfiguration_HasNoFail(string parameterFile)
    {
        var path = Path.Combine(_workingDirectory, Path.ChangeExtension(parameterFile, ".gateway.json"));
        await File.WriteAllTextAsync(path, Generate(parameterFile).ToJsonString(Indented));

        await using var assess = TokengateProcess.Start(_workingDirectory, "assess", "--config", path);
        var exitCode = await assess.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"tokengate assess --config {parameterFile}'s configuration exited {exitCode}:\n{assess.StandardOutput}\n{assess.StandardError}");
        Assert.DoesNotContain("[fail]", assess.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The configuration file the app mounts, with the app's Tokengate__ environment variables applied on top.</summary>
    private static JsonObject Generate(string parameterFile)
    {
        var snapshot = BicepCli.Snapshot(parameterFile);
        var configuration = snapshot["outputs"]!["gatewayConfiguration"]!.DeepClone().AsObject();
        var app = snapshot["predictedResources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.App/containerApps")!;
        var keyId = snapshot["predictedResources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.KeyVault/vaults/keys")!["name"]!.GetValue<string>().Split('/');
        foreach (var variable in app["properties"]!["template"]!["containers"]![0]!["env"]!.AsArray())
        {
            var name = variable!["name"]!.GetValue<string>();
            if (!name.StartsWith("Tokengate__", StringComparison.Ordinal)) continue;
            var value = variable["value"]!.GetValue<string>();
            value = value switch
            {
                _ when value.StartsWith("[reference(", StringComparison.Ordinal) && value.EndsWith(").clientId]", StringComparison.Ordinal) => ClientId,
                _ when value.StartsWith("[reference(", StringComparison.Ordinal) && value.EndsWith(").keyUriWithVersion]", StringComparison.Ordinal) =>
                    $"https://{keyId[0]}.vault.azure.net/keys/{keyId[1]}/{KeyVersion}",
                _ when value.StartsWith('[') => throw new InvalidOperationException($"{name} = {value}: a runtime value this test has no stand-in for."),
                _ => value,
            };
            Set(configuration, name.Split("__"), value);
        }
        return configuration;
    }

    private static void Set(JsonNode root, string[] path, string value)
    {
        var node = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            node = node is JsonArray array ? array[int.Parse(path[i], System.Globalization.CultureInfo.InvariantCulture)]! : node[path[i]] ?? (node[path[i]] = new JsonObject());
        }
        node[path[^1]] = value;
    }
}
