using Tokengate.Configuration;
using Tokengate.Screening;

namespace Tokengate.Assessment;

public sealed class AssessmentRulesTests
{
    internal static GatewayOptions Minimal(params BackendOptions[] backends)
    {
        var options = new GatewayOptions();
        options.Pools["gpt-4o"] = new PoolOptions
        {
            Backends = backends.Length > 0 ? [.. backends] : [Backend("paygo", BackendType.Standard, "eastus", "env:KEY")],
        };
        return options;
    }

    private static BackendOptions Backend(string name, BackendType type, string region, string? key = null) => new()
    {
        Name = name, Endpoint = $"https://{name}.openai.azure.com/", Type = type, Region = region, Model = "gpt-4o",
        Auth = key is null ? BackendAuthMode.EntraId : BackendAuthMode.ApiKey, ApiKey = key,
    };

    private static AssessmentStatus Evaluate(string rule, AssessmentInput input, out IReadOnlyList<AssessmentFinding> findings)
    {
        findings = AssessmentChecklist.Rules[rule].Evaluate(input);
        return findings.Max(f => f.Status);
    }

    private static AssessmentStatus Evaluate(string rule, GatewayOptions options) => Evaluate(rule, AssessmentInput.For(options), out _);

    [Fact]
    public void PtuPaygOverflow_ProvisionedAlone_Fails()
    {
        var status = Evaluate("ptu-payg-overflow", AssessmentInput.For(Minimal(Backend("ptu", BackendType.Provisioned, "eastus"))), out var findings);
        Assert.Equal(AssessmentStatus.Fail, status);
        Assert.Contains("no pay-as-you-go overflow behind provisioned pool gpt-4o", findings[0].Summary, StringComparison.Ordinal);
        Assert.NotNull(findings[0].Fix);
    }

    [Fact]
    public void PtuPaygOverflow_WithStandardBackend_Passes() =>
        Assert.Equal(AssessmentStatus.Pass, Evaluate("ptu-payg-overflow", Minimal(Backend("ptu", BackendType.Provisioned, "eastus"), Backend("paygo", BackendType.Standard, "westus"))));

    [Fact]
    public void BackendKeysInKeyVault_EnvReference_WarnsWithoutTheValue()
    {
        var status = Evaluate("backend-keys-in-key-vault", AssessmentInput.For(Minimal(Backend("a", BackendType.Standard, "eastus", "env:SECRET_NAME"))), out var findings);
        Assert.Equal(AssessmentStatus.Warn, status);
        Assert.Contains("backend keys are plain environment variables, not Key Vault or managed identity", findings[0].Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET_NAME", findings[0].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void BackendKeysInKeyVault_KeyVaultOrEntra_PassesOrNotApplicable()
    {
        Assert.Equal(AssessmentStatus.Pass, Evaluate("backend-keys-in-key-vault", Minimal(Backend("a", BackendType.Standard, "eastus", "keyvault:https://v.vault.azure.net/secrets/k"))));
        Assert.Equal(AssessmentStatus.NotApplicable, Evaluate("backend-keys-in-key-vault", Minimal(Backend("a", BackendType.Standard, "eastus"))));
    }

    [Fact]
    public void MaxTokensCap_None_Warns_DefaultCap_Passes()
    {
        var options = Minimal();
        var status = Evaluate("max-tokens-cap", AssessmentInput.For(options), out var findings);
        Assert.Equal(AssessmentStatus.Warn, status);
        Assert.Equal("no consumer has a max-tokens cap", findings[0].Summary);
        options.Limits.Default.MaxTokens = new MaxTokensPolicyOptions { Cap = 4096 };
        Assert.Equal(AssessmentStatus.Pass, Evaluate("max-tokens-cap", options));
    }

    [Fact]
    public void PromptScreening_OffForToolScope_Fails_BlockPasses()
    {
        var options = Minimal();
        options.Access.Default = new ScopeOptions { McpServerHosts = ["mcp.contoso.com"] };
        var status = Evaluate("prompt-screening", AssessmentInput.For(options), out var findings);
        Assert.Equal(AssessmentStatus.Fail, status);
        Assert.Contains(findings, f => f.Summary.StartsWith("screening off for consumers with tool access", StringComparison.Ordinal));
        options.Screening.Default.Mode = ScreeningMode.Block;
        Assert.Equal(AssessmentStatus.Pass, Evaluate("prompt-screening", options));
    }

    [Fact]
    public void RecentBackup_OlderThanADay_Fails_Recent_Passes_Unknown_Warns()
    {
        var now = new DateTimeOffset(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);
        var old = Evaluate("recent-backup", AssessmentInput.For(Minimal(), new BackupFacts("/backups", now.AddHours(-30), now)), out var findings);
        Assert.Equal(AssessmentStatus.Fail, old);
        Assert.Equal("no backup in the last 24 h", findings[0].Summary);
        Assert.Equal(AssessmentStatus.Pass, Evaluate("recent-backup", AssessmentInput.For(Minimal(), new BackupFacts("/backups", now.AddHours(-2), now)), out _));
        Assert.Equal(AssessmentStatus.Warn, Evaluate("recent-backup", AssessmentInput.For(Minimal(), BackupFacts.Unknown(now)), out _));
    }

    [Fact]
    public void RecentBackup_FromFolder_ReadsTheLatestManifest()
    {
        var folder = Directory.CreateTempSubdirectory("tokengate-assess-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "manifests"));
            File.WriteAllText(Path.Combine(folder.FullName, "manifests", "a.json"), """{"CompletedAt":"2025-01-01T00:00:00+00:00"}""");
            File.WriteAllText(Path.Combine(folder.FullName, "manifests", "b.json"), """{"CompletedAt":"2025-01-02T10:00:00+00:00"}""");
            var facts = BackupFacts.FromFolder(folder.FullName, DateTimeOffset.UnixEpoch);
            Assert.Equal(new DateTimeOffset(2025, 1, 2, 10, 0, 0, TimeSpan.Zero), facts.LastCompletedAt);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void LedgerRetention_ShorterThanBudgetPeriod_Fails()
    {
        var options = Minimal();
        options.Budgets.Groups["team"] = [new BudgetOptions { Period = BudgetPeriod.Monthly, Amount = 100 }];
        options.Accounting.LedgerRetention = TimeSpan.FromDays(7);
        var status = Evaluate("ledger-retention", AssessmentInput.For(options), out var findings);
        Assert.Equal(AssessmentStatus.Fail, status);
        Assert.Equal("ledger retention shorter than the budget period", findings[0].Summary);
        options.Accounting.LedgerRetention = TimeSpan.FromDays(400);
        Assert.Equal(AssessmentStatus.Pass, Evaluate("ledger-retention", options));
    }

    [Fact]
    public void MultiBackendMultiRegion_OneBackend_Warns_TwoRegions_Passes()
    {
        Assert.Equal(AssessmentStatus.Warn, Evaluate("multi-backend-multi-region", Minimal()));
        Assert.Equal(AssessmentStatus.Pass, Evaluate("multi-backend-multi-region", Minimal(Backend("a", BackendType.Standard, "eastus"), Backend("b", BackendType.Standard, "westus"))));
    }

    [Fact]
    public void Budgets_None_Warns_WithWebhook_Passes()
    {
        var options = Minimal();
        Assert.Equal(AssessmentStatus.Warn, Evaluate("budgets", options));
        options.Budgets.Groups["team"] = [new BudgetOptions { Amount = 100 }];
        options.Budgets.WebhookUrl = "https://hooks.contoso.com/x";
        Assert.Equal(AssessmentStatus.Pass, Evaluate("budgets", options));
    }

    [Fact]
    public void SharedState_FleetWithoutRedis_Fails()
    {
        var input = AssessmentInput.For(Minimal()) with { State = new State.StateOptions { InstanceCount = 3 } };
        Assert.Equal(AssessmentStatus.Fail, Evaluate("shared-state", input, out _));
        Assert.Equal(AssessmentStatus.NotApplicable, Evaluate("shared-state", AssessmentInput.For(Minimal()), out _));
    }
}
