using Microsoft.Extensions.Time.Testing;
using Tokengate.Priority;
using Tokengate.Secrets;

namespace Tokengate.Configuration;

/// <summary>Dedicated pools compiled into the snapshot: the (deployment, group) look-up, the binding and the overflow class.</summary>
public sealed class GatewaySnapshotDedicationTests
{
    private readonly GatewaySnapshotBuilder _builder = new(new EnvironmentSecretResolver(), new FakeTimeProvider());

    private static PoolOptions Pool(string backend, PoolDedicationOptions? dedicatedTo = null, params string[] aliases) => new()
    {
        Aliases = [.. aliases],
        DedicatedTo = dedicatedTo,
        Backends = [new BackendOptions { Name = backend, Endpoint = $"http://{backend}.example.com", Auth = BackendAuthMode.None }],
    };

    // Dedicated pools come first in configuration order on purpose: the shared pool is compiled before them anyway.
    private static GatewayOptions Options() => new()
    {
        Pools =
        {
            ["gpt-4o-team-a"] = Pool("a", new PoolDedicationOptions { Deployment = "gpt-4o", Groups = ["team-a", "Team-A2"], Overflow = true }),
            ["gpt-4o-team-b"] = Pool("b", new PoolDedicationOptions { Deployment = "chat", Groups = ["team-b"], OverflowPriority = "normal" }),
            ["gpt-4o"] = Pool("shared", null, "chat"),
            ["embed"] = Pool("embed"),
        },
    };

    [Theory]
    [InlineData("gpt-4o", "team-a", "gpt-4o-team-a")]
    [InlineData("GPT-4O", "TEAM-A", "gpt-4o-team-a")]
    [InlineData("chat", "team-a2", "gpt-4o-team-a")]
    [InlineData("gpt-4o", "team-b", "gpt-4o-team-b")]
    [InlineData("gpt-4o", "team-c", "gpt-4o")]
    [InlineData("gpt-4o", null, "gpt-4o")]
    [InlineData("embed", "team-a", "embed")]
    public void TryResolvePool_DeploymentAndGroup_TheGroupsPoolOrTheShared(string name, string? group, string expected)
    {
        var snapshot = _builder.Build(Options());

        Assert.True(snapshot.TryResolvePool(name, group, out var pool));
        Assert.Equal(expected, pool.Name);
    }

    [Theory]
    [InlineData("team-a", true)]
    [InlineData("TEAM-A2", true)]
    [InlineData("team-b", false)]
    [InlineData(null, false)]
    public void TryResolvePool_DedicatedPoolsOwnName_OnlyForItsGroups(string? group, bool found)
    {
        var snapshot = _builder.Build(Options());

        Assert.Equal(found, snapshot.TryResolvePool("gpt-4o-team-a", group, out var pool));
        if (found) Assert.Equal("gpt-4o-team-a", pool.Name);
    }

    [Fact]
    public void TryResolvePool_UnknownName_NotFound()
    {
        var snapshot = _builder.Build(Options());

        Assert.False(snapshot.TryResolvePool("gpt-35", "team-a", out _));
    }

    [Fact]
    public void Build_DedicatedPool_BindingToTheSharedPoolInstance()
    {
        var snapshot = _builder.Build(Options());

        var shared = snapshot.PoolsByName["gpt-4o"];
        var a = snapshot.PoolsByName["gpt-4o-team-a"];
        var binding = Assert.IsType<Routing.PoolDedication>(a.Dedication);
        Assert.Same(shared, binding.Shared);
        Assert.Same(shared, a.Deployment);
        Assert.Same(shared, shared.Deployment);
        Assert.Null(shared.Dedication);
        Assert.True(binding.Overflow);
        Assert.True(binding.Serves("TEAM-A"));
        Assert.False(binding.Serves(null));
    }

    [Fact]
    public void Build_Pools_ConfigurationOrderKept()
    {
        var snapshot = _builder.Build(Options());

        Assert.Equal(["gpt-4o-team-a", "gpt-4o-team-b", "gpt-4o", "embed"], snapshot.Pools.Select(p => p.Name));
    }

    [Fact]
    public void Build_OverflowPriority_DefaultLowestOrTheNamedClass()
    {
        var snapshot = _builder.Build(Options());

        Assert.Equal(("low", 2), Named(snapshot.PoolsByName["gpt-4o-team-a"].Dedication!.OverflowPriority));
        Assert.Equal(("normal", 1), Named(snapshot.PoolsByName["gpt-4o-team-b"].Dedication!.OverflowPriority));
    }

    [Fact]
    public void Build_OverflowPriorityWithOwnClasses_LowestOfThem()
    {
        var options = Options();
        options.Priority.Classes = ["gold", "silver", "bronze", "scavenger"];
        options.Priority.Default = "silver";
        options.Pools["gpt-4o-team-b"].DedicatedTo!.OverflowPriority = "Bronze";

        var snapshot = _builder.Build(options);

        Assert.Equal(("scavenger", 3), Named(snapshot.PoolsByName["gpt-4o-team-a"].Dedication!.OverflowPriority));
        Assert.Equal(("bronze", 2), Named(snapshot.PoolsByName["gpt-4o-team-b"].Dedication!.OverflowPriority));
    }

    private static (string Name, int Rank) Named(PriorityClass priority) => (priority.Name, priority.Rank);
}
