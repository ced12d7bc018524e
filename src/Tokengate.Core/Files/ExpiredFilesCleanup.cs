using Microsoft.Extensions.Logging;
using Tokengate.Hosting;

namespace Tokengate.Files;

/// <summary>
/// Shreds files whose <c>expires_after</c> has passed (readers stop seeing them at the moment of expiry): once shortly
/// after start, then every hour on the <see cref="TimeProvider"/>, in batches. Every instance runs it; a file two
/// instances shred together is simply gone for the second.
/// </summary>
internal sealed partial class ExpiredFilesCleanup(FileCatalog catalog, FileService files, TimeProvider time, ILogger<ExpiredFilesCleanup> logger) : HourlyCleanup(time)
{
    private const int BatchSize = 500;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var shredded = 0;
            while (true)
            {
                var expired = await catalog.ExpiredAsync(BatchSize, cancellationToken).ConfigureAwait(false);
                foreach (var (id, _) in expired)
                {
                    if (await files.ShredAsync(id, cancellationToken).ConfigureAwait(false)) shredded++;
                }
                if (expired.Count < BatchSize) break;
            }
            if (shredded > 0) LogShredded(logger, shredded);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            // The database or the store is away: the next hour tries again; expired files are hidden from readers meanwhile.
            LogFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(2201, LogLevel.Information, "Shredded {Count} expired files")]
    private static partial void LogShredded(ILogger logger, int count);

    [LoggerMessage(2202, LogLevel.Warning, "Could not shred expired files ({Error}); trying again in an hour")]
    private static partial void LogFailed(ILogger logger, string error);
}
