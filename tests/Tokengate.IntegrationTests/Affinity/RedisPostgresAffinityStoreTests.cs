using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>The affinity contract on Redis with PostgreSQL as the durable copy.</summary>
public sealed class RedisPostgresAffinityStoreTests : RedisAffinityStoreContractTests
{
    private protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
