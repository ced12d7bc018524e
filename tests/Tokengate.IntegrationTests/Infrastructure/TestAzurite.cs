namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// The private Azurite blob service that <c>./test.sh</c> starts (<c>TOKENGATE_TEST_AZURITE</c>: a connection string
/// with an explicit loopback <c>BlobEndpoint</c>). Tests keep apart by giving each store a container of its own.
/// </summary>
internal static class TestAzurite
{
    public const string Variable = "TOKENGATE_TEST_AZURITE";

    /// <summary>The secret reference to the connection string, as the gateway's configuration would give it.</summary>
    public const string Reference = "env:" + Variable;

    /// <summary>The connection string of the shared test service.</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{Variable} is not set: run the tests with ./test.sh, which starts a private Azurite blob service.");
}
