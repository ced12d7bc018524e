using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Tokengate.Storage;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Keeps ASP.NET Core Data Protection's key ring in the gateway's database: the SQLite file in the data folder on
/// one machine, PostgreSQL for a fleet, so every instance reads and protects session cookies with the same keys and
/// a restart does not sign everyone out. Data Protection reads the ring at the first protect or unprotect and then
/// about once a day (or when it meets a key it does not know), never per request, so its synchronous interface
/// waiting on the database here is rare. That wait must not happen on a socket I/O thread: the first read is made
/// from the thread pool at start (<see cref="ConsoleKeyRingWarmup"/>), later ones by Data Protection's background
/// refresh or from operator requests, which move to the pool first.
/// </summary>
internal sealed class ConsoleKeyRing(IDatabase database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => ReadAsync().GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => WriteAsync(element, friendlyName).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAsync()
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM console_key_ring ORDER BY created_at, name";
        var elements = new List<XElement>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false)) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    private async Task WriteAsync(XElement element, string friendlyName)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Two instances creating their first key at once both keep theirs; Data Protection uses every key in the ring.
        command.CommandText = "INSERT INTO console_key_ring (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING";
        command.AddParameter("@name", string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName)
            .AddParameter("@xml", element.ToString(SaveOptions.DisableFormatting))
            .AddParameter("@at", time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
