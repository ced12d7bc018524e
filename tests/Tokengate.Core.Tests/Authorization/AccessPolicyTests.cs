using System.Collections.Frozen;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Routing;

namespace Tokengate.Authorization;

public sealed class AccessPolicyTests
{
    private static readonly Pool Chat = new("gpt-4o", [], PriorityWeightedSelectionPolicy.Instance, 90);
    private static readonly Pool Mini = new("gpt-4o-mini", [], PriorityWeightedSelectionPolicy.Instance, 90);
    private static readonly Dictionary<string, Pool> Pools = new(StringComparer.OrdinalIgnoreCase) { ["gpt-4o"] = Chat, ["gpt-4o-mini"] = Mini, ["mini"] = Mini };

    private static Consumer Consumer(string name, string? group = null) => new(name, group, new[] { Roles.Consumer }.ToFrozenSet());

    private static AccessPolicy Policy(ScopeOptions? fallback = null) => AccessPolicy.Compile(new AccessOptions
    {
        Groups = { ["team"] = new ScopeOptions { Deployments = ["gpt-4o"], Operations = ["chat"] } },
        Consumers = { ["app"] = new ScopeOptions { Deployments = ["mini"], Operations = ["embeddings", "batch"] } },
        Default = fallback,
    }, Pools);

    [Theory]
    [InlineData("app", "team", "gpt-4o", ScopeOperations.Chat, true)]          // from the group
    [InlineData("app", "team", "gpt-4o-mini", ScopeOperations.Embeddings, true)] // own, by alias
    [InlineData("app", "team", "gpt-4o-mini", ScopeOperations.Batch, true)]
    [InlineData("app", "team", "gpt-4o-mini", ScopeOperations.Chat, false)]     // the union is per deployment, not a cross product
    [InlineData("app", "team", "gpt-4o", ScopeOperations.Embeddings, false)]
    [InlineData("app", null, "gpt-4o", ScopeOperations.Chat, false)]
    [InlineData("other", "team", "gpt-4o", ScopeOperations.Chat, true)]
    [InlineData("other", null, "gpt-4o", ScopeOperations.Chat, false)]          // neither own nor group: the default, nothing
    public void Allows_ConsumerAndGroupScopes_Union(string name, string? group, string pool, ScopeOperations operation, bool expected) =>
        Assert.Equal(expected, Policy().Allows(Consumer(name, group), Pools[pool], operation));

    [Fact]
    public void Allows_Default_AppliesOnlyToConsumersWithoutScope()
    {
        var policy = Policy(new ScopeOptions { Deployments = ["*"], Operations = ["*"] });
        Assert.True(policy.Allows(Consumer("other"), Mini, ScopeOperations.FineTuning));
        Assert.False(policy.Allows(Consumer("app"), Chat, ScopeOperations.Chat));
        Assert.False(policy.Allows(Consumer("x", "team"), Mini, ScopeOperations.Chat));
    }

    [Fact]
    public void Compile_NoScopesAtAll_EveryoneMayCallEverything() =>
        Assert.True(AccessPolicy.Compile(new AccessOptions(), Pools).Allows(Consumer("anyone"), Mini, ScopeOperations.Embeddings));
}
