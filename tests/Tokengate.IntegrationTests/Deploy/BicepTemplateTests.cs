using System.Text.Json.Nodes;

namespace Tokengate.IntegrationTests.Deploy;

/// <summary>
/// Every template and parameter file of deploy/ compiles with the Bicep CLI and passes its linter with nothing to say:
/// deploy/bicepconfig.json raises the linter's rules to errors, and any warning at all (compiler or linter) fails here.
/// </summary>
public sealed class BicepTemplateTests
{
    public static TheoryData<string> Templates => [.. BicepCli.Templates];

    public static TheoryData<string> ParameterFiles => [.. BicepCli.ParameterFiles];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_Compiles_WithoutDiagnostics(string template)
    {
        var result = BicepCli.Run("build", template, "--stdout");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(string.IsNullOrWhiteSpace(result.StandardError), $"bicep build {template} said:\n{result.StandardError}");
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", JsonNode.Parse(result.StandardOutput)!["$schema"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    [MemberData(nameof(ParameterFiles))]
    public void Lint_ReportsNothing(string file)
    {
        var result = BicepCli.Run("lint", file);

        Assert.True(result.ExitCode == 0 && string.IsNullOrWhiteSpace(result.Output), $"bicep lint {file} (exit {result.ExitCode}):\n{result.Output}");
    }

    [Fact]
    public void LinterConfiguration_RaisesRulesToErrors()
    {
        var rules = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.DeployDirectory, "bicepconfig.json")))!["analyzers"]!["core"]!["rules"]!.AsObject();

        Assert.True(rules.Count >= 30, $"only {rules.Count} rules configured");
        Assert.All(rules, rule => Assert.Equal("error", rule.Value!["level"]!.GetValue<string>()));
        Assert.Contains("no-hardcoded-env-urls", rules.Select(r => r.Key));
        Assert.Contains("outputs-should-not-contain-secrets", rules.Select(r => r.Key));
        Assert.Contains("use-secure-value-for-secure-inputs", rules.Select(r => r.Key));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void ParameterFile_Builds(string parameterFile)
    {
        var result = BicepCli.Run("build-params", parameterFile, "--stdout");

        Assert.True(result.ExitCode == 0 && string.IsNullOrWhiteSpace(result.StandardError), result.Output);
        var parameters = JsonNode.Parse(JsonNode.Parse(result.StandardOutput)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal(BicepCli.TestPassword, parameters["postgresAdministratorPassword"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void ParameterFile_WithoutPasswordInEnvironment_DoesNotBuild()
    {
        var result = BicepCli.RunIn(null, new Dictionary<string, string?> { ["TOKENGATE_POSTGRES_PASSWORD"] = null }, "build-params", "production.bicepparam", "--stdout");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("TOKENGATE_POSTGRES_PASSWORD", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductionParameters_SeveralRegions_ProvisionedAndPayAsYouGo_SeveralReplicas()
    {
        var result = BicepCli.Run("build-params", "production.bicepparam", "--stdout");
        var parameters = JsonNode.Parse(JsonNode.Parse(result.StandardOutput)!["parametersJson"]!.GetValue<string>())!["parameters"]!;

        var regions = parameters["openAiRegions"]!["value"]!.AsArray();
        Assert.True(regions.Count >= 2);
        Assert.True(regions.Count(r => r!["ptuCapacity"]!.GetValue<int>() > 0) >= 2);
        Assert.All(regions, r => Assert.True(r!["paygCapacity"]!.GetValue<int>() > 0));
        Assert.True(parameters["batchCapacity"]!["value"]!.GetValue<int>() > 0);
        Assert.True(parameters["minReplicas"]!["value"]!.GetValue<int>() >= 2);
        Assert.True(parameters["postgresHighAvailability"]!["value"]!.GetValue<bool>());
        Assert.Equal("Standard_RAGZRS", parameters["storageSku"]!["value"]!.GetValue<string>());
    }
}
