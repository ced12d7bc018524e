using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>The affinity contract on Redis with SQLite as the durable copy.</summary>
public sealed class RedisSqliteAffinityStoreTests : RedisAffinityStoreContractTests
{
    private protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}
