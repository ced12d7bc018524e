using Tokengate.Configuration;
using Tokengate.Proxy;

namespace Tokengate.Routing;

/// <summary>Builds backends and pools for routing tests without going through configuration.</summary>
internal static class TestPools
{
    public static Backend Backend(string name, int index, int priority = 1, int weight = 1, BackendType type = BackendType.Standard) =>
        new(
            new BackendOptions { Name = name, Endpoint = "https://" + name + ".example.com/", Priority = priority, Weight = weight, Type = type },
            "pool",
            index,
            NoBackendCredential.Instance);

    /// <summary>A pool whose backends are given as (priority, weight) pairs and named <c>b0</c>, <c>b1</c>, ...</summary>
    public static Pool Pool(params (int Priority, int Weight)[] backends) => Pool(90, backends);

    public static Pool Pool(double spilloverPercent, params (int Priority, int Weight)[] backends)
    {
        var list = new Backend[backends.Length];
        for (var i = 0; i < backends.Length; i++) list[i] = Backend($"b{i}", i, backends[i].Priority, backends[i].Weight);
        return new Pool("pool", list, PriorityWeightedSelectionPolicy.Instance, spilloverPercent);
    }
}
