using Npgsql;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database on the private server that <c>./test.sh</c> starts, dropped again on dispose, so
/// tests never share state.
/// </summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    public const string ServerVariable = "TOKENGATE_TEST_POSTGRES";

    private readonly string _serverConnectionString;

    private TestPostgres(string serverConnectionString, string database)
    {
        _serverConnectionString = serverConnectionString;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ToString();
    }

    public string Database { get; }

    public string ConnectionString { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrEmpty(server))
            throw new InvalidOperationException($"{ServerVariable} is not set: run the tests with ./test.sh, which starts a private PostgreSQL server.");
        var name = "tg_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new TestPostgres(server, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
