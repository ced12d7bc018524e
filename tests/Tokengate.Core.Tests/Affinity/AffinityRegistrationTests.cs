using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokengate.Storage;

namespace Tokengate.Affinity;

/// <summary>The store follows <c>Tokengate:State:Provider</c>, as the rest of the shared state does.</summary>
public sealed class AffinityRegistrationTests
{
    private static IServiceCollection Register(string? provider)
    {
        var settings = new Dictionary<string, string?>();
        if (provider is not null) settings["Tokengate:State:Provider"] = provider;
        return new ServiceCollection().AddAffinity(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Fact]
    public void AddAffinity_InMemory_RegistersTheMemoryStoreAndNoWriter()
    {
        var services = Register(null);
        var store = services.Single(d => d.ServiceType == typeof(IAffinityStore));
        Assert.Null(store.ImplementationType);  // a factory that passes MaxRecords
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Contains(services, d => d.ImplementationType == typeof(AffinityMigrations));
    }

    [Fact]
    public void AddAffinity_Redis_RegistersTheRedisStore_TheDurableWriterAndThePruner()
    {
        var services = Register("Redis");
        Assert.Equal(typeof(RedisAffinityStore), services.Single(d => d.ServiceType == typeof(IAffinityStore)).ImplementationType);
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IHostedService)));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AffinityPruner));
        Assert.Contains(services, d => d.ServiceType == typeof(IMigrationSource) && d.ImplementationType == typeof(AffinityMigrations));
    }
}
