using System.Text;
using Tokengate.Authorization;
using Tokengate.OpenAI;

namespace Tokengate.Operations;

public class OperationRegistryTests
{
    private static readonly string DocPath = Path.Combine(RepositoryRoot(), "docs", "operations-served.md");

    [Fact]
    public void Routes_NoTwoOperationsShareAMethodAndTemplate()
    {
        var routes = OperationRegistry.All.SelectMany(o => o.Routes.Select(r => $"{r.Method} {r.Template}")).ToList();

        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Names_Unique()
    {
        Assert.Equal(OperationRegistry.All.Count, OperationRegistry.All.Select(o => o.Name).Distinct().Count());
    }

    [Fact]
    public void EveryForwardedOperation_HasAnUpstreamAndAScope_AndEveryAnsweredOneHasAnAnswer()
    {
        foreach (var operation in OperationRegistry.All)
        {
            if (operation.AnsweredByGateway)
            {
                Assert.Null(operation.Upstream);
                Assert.Equal(DeploymentSource.None, operation.Deployment);
                continue;
            }
            Assert.NotNull(operation.Upstream);
            Assert.NotEqual(ScopeOperations.None, operation.Scope);
            Assert.NotEqual(DeploymentSource.None, operation.Deployment);
        }
    }

    [Fact]
    public void OperationsOnAStoredId_HaveTheIdInEveryRouteAndUpstreamPath()
    {
        foreach (var operation in OperationRegistry.All.Where(o => o.Deployment == DeploymentSource.StoredId))
        {
            Assert.All(operation.Routes, r => Assert.Contains("{id}", r.Template, StringComparison.Ordinal));
            Assert.Contains("{id}", operation.Upstream!.AzurePath, StringComparison.Ordinal);
            Assert.Contains("{id}", operation.Upstream.OpenAIPath, StringComparison.Ordinal);
            Assert.Equal(BodyKind.None, operation.Body);
            Assert.False(operation.Metered);
        }
    }

    [Fact]
    public void ClassicRoutesOfModelOperations_TakeTheDeploymentFromThePath()
    {
        foreach (var operation in OperationRegistry.All.Where(o => o.Deployment == DeploymentSource.PathOrModel))
        {
            var classic = operation.Routes.Where(r => r.Family == RouteFamily.AzureClassic).ToList();
            Assert.NotEmpty(classic);
            Assert.All(classic, r => Assert.StartsWith("/openai/deployments/{deployment}/", r.Template, StringComparison.Ordinal));
            Assert.True(operation.Upstream!.AzureDeploymentInPath);
        }
    }

    [Fact]
    public void OperationsServedDoc_ListsExactlyTheRegistry()
    {
        var doc = File.ReadAllText(DocPath).ReplaceLineEndings("\n");
        var expected = Table();

        Assert.True(doc.Contains(expected, StringComparison.Ordinal),
            $"docs/operations-served.md does not hold the registry's table; replace its table with:\n\n{expected}");
    }

    /// <summary>The table docs/operations-served.md must hold, rendered from the registry.</summary>
    private static string Table()
    {
        var text = new StringBuilder();
        text.Append("| Operation | Routes | Scope | Metered | Affinity |\n|---|---|---|---|---|\n");
        foreach (var operation in OperationRegistry.All)
        {
            var routes = string.Join("<br>", operation.Routes.Select(r => $"`{r.Method} {r.Template}`{(r.Family == RouteFamily.AzureClassic ? " `?api-version=`" : "")}"));
            var scope = operation.Scope == ScopeOperations.None ? "any consumer (lists only what its scopes reach)" : $"`{ScopeOperationNames.NameOf(operation.Scope)}`";
            var metered = operation.AnsweredByGateway ? "answered by the gateway"
                : operation.MintsCredential ? "refused (403) to metered consumers, or to all (`Realtime:ClientSecrets`); else forwarded, not metered"
                : !operation.Metered ? "no (logged)"
                : operation.Usage == UsageShape.Realtime ? "tokens by modality, each response as the session goes"
                : operation.Measures switch
                {
                    MeasuredUsage.Images => "tokens by modality; else images by size and quality",
                    MeasuredUsage.AudioDuration => "tokens by modality; else seconds of audio",
                    MeasuredUsage.Characters => "tokens by modality; else characters",
                    _ => "tokens",
                };
            var affinity = operation.AnsweredByGateway ? "—" : operation.Affinity switch
            {
                AffinityRole.Creates => "records the new id; `previous_response_id` pins",
                AffinityRole.ActsOnStored => "pinned to the id's backend, owner only",
                AffinityRole.None => "any backend of the pool",
                _ => throw new InvalidOperationException(operation.Affinity.ToString()),
            };
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{operation.Name}` | {routes} | {scope} | {metered} | {affinity} |\n");
        }
        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tokengate.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Tokengate.slnx not found above the test binaries.");
    }
}
