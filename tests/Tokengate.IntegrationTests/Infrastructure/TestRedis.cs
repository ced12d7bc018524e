namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// The private Redis server that <c>./test.sh</c> starts (<c>TOKENGATE_TEST_REDIS</c>), and the redis-server binary
/// for tests that run one of their own. Tests keep apart by giving every gateway fleet its own key prefix.
/// </summary>
internal static class TestRedis
{
    public const string ServerVariable = "TOKENGATE_TEST_REDIS";
    public const string BinaryVariable = "TOKENGATE_TEST_REDIS_SERVER";

    /// <summary>host:port of the shared test server.</summary>
    public static string Shared => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{ServerVariable} is not set: run the tests with ./test.sh, which starts a private Redis server.");

    public static string Binary => Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } value ? value : "redis-server";
}
