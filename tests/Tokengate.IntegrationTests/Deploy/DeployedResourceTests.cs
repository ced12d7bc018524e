using System.Text.Json.Nodes;

namespace Tokengate.IntegrationTests.Deploy;

/// <summary>
/// What the templates would deploy, read from <c>bicep snapshot</c> of each parameter file (every module and loop
/// expanded): no public network access, private endpoints, diagnostics to Log Analytics, the deployments the guidance
/// asks for, and a gateway whose managed identity holds exactly the roles it needs, on the resources it needs them on.
/// </summary>
public sealed class DeployedResourceTests
{
    private const string OpenAiUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
    private const string CognitiveServicesUser = "a97b65f3-24c7-4388-baec-2e87135dc908";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultCryptoUser = "12338af0-0e69-4776-bea7-57ae8d297424";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    public static TheoryData<string> ParameterFiles => [.. BicepCli.ParameterFiles];

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void EveryService_HasPublicNetworkAccessDisabled(string parameterFile)
    {
        var resources = Resources(parameterFile);
        string[] services = ["Microsoft.CognitiveServices/accounts", "Microsoft.KeyVault/vaults", "Microsoft.Storage/storageAccounts", "Microsoft.Cache/redis"];

        var checkedOnes = resources.Where(r => services.Contains(Type(r))).ToList();
        Assert.All(checkedOnes, r => Assert.Equal("Disabled", r["properties"]!["publicNetworkAccess"]!.GetValue<string>()));
        Assert.All(checkedOnes.Where(r => Type(r) != "Microsoft.Cache/redis"), r => Assert.Equal("Deny", r["properties"]!["networkAcls"]!["defaultAction"]!.GetValue<string>()));
        var postgres = Assert.Single(resources, r => Type(r) == "Microsoft.DBforPostgreSQL/flexibleServers");
        Assert.Equal("Disabled", postgres["properties"]!["network"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.NotNull(postgres["properties"]!["network"]!["delegatedSubnetResourceId"]);
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void CognitiveServicesAccounts_AreKeyless_AndOpenAiRestrictsOutbound(string parameterFile)
    {
        var accounts = Resources(parameterFile).Where(r => Type(r) == "Microsoft.CognitiveServices/accounts").ToList();

        Assert.All(accounts, a => Assert.True(a["properties"]!["disableLocalAuth"]!.GetValue<bool>()));
        Assert.All(accounts, a => Assert.Equal(a["name"]!.GetValue<string>(), a["properties"]!["customSubDomainName"]!.GetValue<string>()));
        Assert.All(accounts.Where(a => Kind(a) == "OpenAI"), a => Assert.True(a["properties"]!["restrictOutboundNetworkAccess"]!.GetValue<bool>()));
        Assert.Single(accounts, a => Kind(a) == "ContentSafety");
    }

    [Fact]
    public void Production_OpenAiInThreeRegions_WithProvisionedPayAsYouGoAndGlobalBatchDeployments()
    {
        var resources = Resources("production.bicepparam");
        var accounts = resources.Where(r => Type(r) == "Microsoft.CognitiveServices/accounts" && Kind(r) == "OpenAI").ToList();
        var deployments = resources.Where(r => Type(r) == "Microsoft.CognitiveServices/accounts/deployments").ToList();

        Assert.Equal(["eastus2", "swedencentral", "westus3"], accounts.Select(a => a["location"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var provisioned = deployments.Where(d => Sku(d).EndsWith("ProvisionedManaged", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, provisioned.Count);
        Assert.All(provisioned, d => Assert.Equal(50, d["sku"]!["capacity"]!.GetValue<int>()));
        Assert.Equal(3, deployments.Count(d => Sku(d) is "GlobalStandard" or "Standard" or "DataZoneStandard"));
        var batch = Assert.Single(deployments, d => Sku(d) == "GlobalBatch");
        Assert.Equal(50000, batch["sku"]!["capacity"]!.GetValue<int>());
        Assert.All(deployments, d => Assert.Equal("gpt-4o", d["properties"]!["model"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Small_OneRegion_PayAsYouGoAndBatch_BasicRedis()
    {
        var resources = Resources("small.bicepparam");
        var deployments = resources.Where(r => Type(r) == "Microsoft.CognitiveServices/accounts/deployments").Select(Sku).Order(StringComparer.Ordinal);

        Assert.Single(resources, r => Type(r) == "Microsoft.CognitiveServices/accounts" && Kind(r) == "OpenAI");
        Assert.Equal(["GlobalBatch", "GlobalStandard"], deployments);
        Assert.Equal("Basic", Assert.Single(resources, r => Type(r) == "Microsoft.Cache/redis")["properties"]!["sku"]!["name"]!.GetValue<string>());
        Assert.Single(resources, r => Type(r) == "Microsoft.DBforPostgreSQL/flexibleServers");
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void EveryService_HasPrivateEndpoint(string parameterFile)
    {
        var resources = Resources(parameterFile);
        var endpoints = resources.Where(r => Type(r) == "Microsoft.Network/privateEndpoints")
            .Select(e => e["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!)
            .Select(c => (Target: c["privateLinkServiceId"]!.GetValue<string>(), Group: c["groupIds"]![0]!.GetValue<string>()))
            .ToList();
        var expected = resources.Where(r => Type(r) is "Microsoft.CognitiveServices/accounts" or "Microsoft.KeyVault/vaults" or "Microsoft.Storage/storageAccounts" or "Microsoft.Cache/redis")
            .Select(r => (Target: Id(r), Group: Type(r) switch
            {
                "Microsoft.KeyVault/vaults" => "vault",
                "Microsoft.Storage/storageAccounts" => "blob",
                "Microsoft.Cache/redis" => "redisCache",
                _ => "account",
            }));

        Assert.Equal(expected.Order(), endpoints.Order());
        Assert.Equal(endpoints.Count, resources.Count(r => Type(r) == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        Assert.Equal(6, resources.Count(r => Type(r) == "Microsoft.Network/privateDnsZones/virtualNetworkLinks"));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void EveryService_SendsDiagnosticsToLogAnalytics(string parameterFile)
    {
        var resources = Resources(parameterFile);
        var workspace = Id(Assert.Single(resources, r => Type(r) == "Microsoft.OperationalInsights/workspaces"));
        var settings = resources.Where(r => Type(r) == "Microsoft.Insights/diagnosticSettings").ToList();
        var monitored = resources.Where(r => Type(r) is "Microsoft.CognitiveServices/accounts" or "Microsoft.KeyVault/vaults" or "Microsoft.Storage/storageAccounts"
            or "Microsoft.Storage/storageAccounts/blobServices" or "Microsoft.DBforPostgreSQL/flexibleServers" or "Microsoft.Cache/redis" or "Microsoft.App/managedEnvironments").ToList();

        Assert.NotEmpty(monitored);
        Assert.All(monitored, r =>
        {
            var setting = Assert.Single(settings, s => Id(s).StartsWith(Id(r) + "/providers/Microsoft.Insights/diagnosticSettings/", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(workspace, setting["properties"]!["workspaceId"]!.GetValue<string>());
        });
        Assert.All(settings.Where(s => !Id(s).Contains("/Microsoft.Storage/storageAccounts/", StringComparison.Ordinal) || Id(s).Contains("/blobServices/", StringComparison.Ordinal)),
            s => Assert.Equal("allLogs", s["properties"]!["logs"]![0]!["categoryGroup"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Gateway_RunsUnderUserAssignedIdentity_WithLeastPrivilegeRoles(string parameterFile)
    {
        var resources = Resources(parameterFile);
        var identity = Id(Assert.Single(resources, r => Type(r) == "Microsoft.ManagedIdentity/userAssignedIdentities"));
        var app = Assert.Single(resources, r => Type(r) == "Microsoft.App/containerApps");
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        Assert.Equal([identity], app["identity"]!["userAssignedIdentities"]!.AsObject().Select(p => p.Key));

        var assignments = resources.Where(r => Type(r) == "Microsoft.Authorization/roleAssignments")
            .Select(r => (Scope: Id(r)[..Id(r).IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)],
                Role: r["properties"]!["roleDefinitionId"]!.GetValue<string>().Split('/')[^1],
                Principal: r["properties"]!["principalId"]!.GetValue<string>(),
                PrincipalType: r["properties"]!["principalType"]!.GetValue<string>()))
            .ToList();
        Assert.All(assignments, a => Assert.Contains($"'{identity}'", a.Principal, StringComparison.Ordinal));
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a.PrincipalType));

        var openAi = resources.Where(r => Type(r) == "Microsoft.CognitiveServices/accounts" && Kind(r) == "OpenAI").Select(Id).Order(StringComparer.Ordinal);
        Assert.Equal(openAi, assignments.Where(a => a.Role == OpenAiUser).Select(a => a.Scope).Order(StringComparer.Ordinal));
        Assert.Equal(Id(Assert.Single(resources, r => Kind(r) == "ContentSafety")), Assert.Single(assignments, a => a.Role == CognitiveServicesUser).Scope);
        Assert.Equal(Id(Assert.Single(resources, r => Type(r) == "Microsoft.KeyVault/vaults")), Assert.Single(assignments, a => a.Role == KeyVaultSecretsUser).Scope);
        Assert.Equal(Id(Assert.Single(resources, r => Type(r) == "Microsoft.KeyVault/vaults/keys")), Assert.Single(assignments, a => a.Role == KeyVaultCryptoUser).Scope);
        Assert.Equal(Id(Assert.Single(resources, r => Type(r) == "Microsoft.Storage/storageAccounts/blobServices/containers")), Assert.Single(assignments, a => a.Role == StorageBlobDataContributor).Scope);
        Assert.Equal(openAi.Count() + 4, assignments.Count); // nothing else: no Contributor, no Owner, no key access
    }

    [Fact]
    public void RegistryGiven_IdentityGetsAcrPullThere_BeforeTheAppPullsItsImage()
    {
        const string Registry = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contoso";
        var resources = BicepCli.Snapshot("small.bicepparam", new Dictionary<string, string?> { ["TOKENGATE_REGISTRY"] = "contoso.azurecr.io", ["TOKENGATE_REGISTRY_ID"] = Registry })["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var identity = Id(Assert.Single(resources, r => Type(r) == "Microsoft.ManagedIdentity/userAssignedIdentities"));

        var acrPull = Assert.Single(resources, r => Type(r) == "Microsoft.Authorization/roleAssignments" && Id(r).StartsWith(Registry + "/providers/", StringComparison.Ordinal));
        Assert.EndsWith("/7f951dda-4ed3-4680-a7ca-43fe172d538d", acrPull["properties"]!["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"'{identity}'", acrPull["properties"]!["principalId"]!.GetValue<string>(), StringComparison.Ordinal);
        var registries = Assert.Single(resources, r => Type(r) == "Microsoft.App/containerApps")["properties"]!["configuration"]!["registries"]!.AsArray();
        Assert.Equal("contoso.azurecr.io", Assert.Single(registries)!["server"]!.GetValue<string>());
        Assert.Equal(identity, registries[0]!["identity"]!.GetValue<string>());
    }

    [Fact]
    public void KeyVault_RbacPurgeProtection_AndRsaKeyEncryptionKey()
    {
        var resources = Resources("production.bicepparam");
        var vault = Assert.Single(resources, r => Type(r) == "Microsoft.KeyVault/vaults")["properties"]!;
        var key = Assert.Single(resources, r => Type(r) == "Microsoft.KeyVault/vaults/keys")["properties"]!;

        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Equal("RSA-HSM", key["kty"]!.GetValue<string>());
        Assert.Equal(["unwrapKey", "wrapKey"], key["keyOps"]!.AsArray().Select(o => o!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["tokengate-postgres", "tokengate-redis"], resources.Where(r => Type(r) == "Microsoft.KeyVault/vaults/secrets").Select(r => r["name"]!.GetValue<string>().Split('/')[^1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Storage_GeoRedundant_KeylessAndPrivate()
    {
        var storage = Assert.Single(Resources("production.bicepparam"), r => Type(r) == "Microsoft.Storage/storageAccounts");

        Assert.Equal("Standard_RAGZRS", storage["sku"]!["name"]!.GetValue<string>());
        Assert.False(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(storage["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Gateway_ProbesHealthzAndReadyz_AndMountsItsConfiguration(string parameterFile)
    {
        var app = Assert.Single(Resources(parameterFile), r => Type(r) == "Microsoft.App/containerApps")["properties"]!;
        var container = Assert.Single(app["template"]!["containers"]!.AsArray())!;
        var probes = container["probes"]!.AsArray().ToDictionary(p => p!["type"]!.GetValue<string>(), p => p!["httpGet"]!);

        Assert.Equal("/healthz", probes["Liveness"]["path"]!.GetValue<string>());
        Assert.Equal("/readyz", probes["Readiness"]["path"]!.GetValue<string>());
        Assert.All(probes.Values, p => Assert.Equal(8080, p["port"]!.GetValue<int>()));
        Assert.Equal(8080, app["configuration"]!["ingress"]!["targetPort"]!.GetValue<int>());
        Assert.False(app["configuration"]!["ingress"]!["allowInsecure"]!.GetValue<bool>());
        Assert.Equal(["serve", "--urls", "http://0.0.0.0:8080", "--config", "/config/gateway.json"], container["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => m!["mountPath"]!.GetValue<string>(), m => m!["volumeName"]!.GetValue<string>());
        Assert.Equal(["/config", "/data", "/tmp"], mounts.Keys.Order(StringComparer.Ordinal));
        var config = Assert.Single(app["template"]!["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == mounts["/config"])!;
        Assert.Equal("Secret", config["storageType"]!.GetValue<string>());
        Assert.Equal("gateway.json", config["secrets"]![0]!["path"]!.GetValue<string>());
    }

    private static List<JsonObject> Resources(string parameterFile) =>
        [.. BicepCli.Snapshot(parameterFile)["predictedResources"]!.AsArray().Select(r => r!.AsObject())];

    private static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();

    private static string Id(JsonObject resource) => resource["id"]!.GetValue<string>();

    private static string? Kind(JsonObject resource) => resource["kind"]?.GetValue<string>();

    private static string Sku(JsonObject resource) => resource["sku"]!["name"]!.GetValue<string>();
}
