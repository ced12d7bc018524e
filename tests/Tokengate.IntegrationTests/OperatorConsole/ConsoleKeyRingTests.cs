using System.Xml.Linq;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.OperatorConsole;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.OperatorConsole;

/// <summary>The Data Protection key ring on both engines: what one instance stores, every instance reads; a repeated store keeps the first.</summary>
public sealed class ConsoleKeyRingTests : IAsyncLifetime
{
    private TestDatabases _databases = null!;

    public async Task InitializeAsync() => _databases = await TestDatabases.CreateAsync();

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task StoreElement_ThenGetAllElements_EveryInstanceReadsTheRing(DatabaseProvider provider)
    {
        var database = await _databases.OpenAsync(provider, new ConsoleKeyRingMigrations());
        var one = new ConsoleKeyRing(database, TimeProvider.System);
        var other = new ConsoleKeyRing(database, TimeProvider.System);
        Assert.Empty(other.GetAllElements());

        one.StoreElement(new XElement("key", new XAttribute("id", "a")), "key-a");
        other.StoreElement(new XElement("key", new XAttribute("id", "b")), "key-b");
        one.StoreElement(new XElement("key", new XAttribute("id", "a-again")), "key-a");

        var ids = other.GetAllElements().Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["a", "b"], ids);
    }
}
