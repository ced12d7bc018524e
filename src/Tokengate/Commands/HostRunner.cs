using Microsoft.Extensions.Options;
using Tokengate.Hosting;

namespace Tokengate.Commands;

/// <summary>Starts a server, reports configuration errors plainly, and runs until Ctrl+C or SIGTERM.</summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync<TServer>(Func<Task<TServer>> start, Func<TServer, Task> started, CancellationToken cancellationToken)
        where TServer : IAsyncDisposable
    {
        IoThreads.PreferInline();  // before the server opens its first socket
        TServer server;
        try
        {
            server = await start().ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Tokengate cannot start; the configuration has errors:").ConfigureAwait(false);
            foreach (var failure in ex.Failures) await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
            return 3;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Tokengate cannot start: {ex.Message}").ConfigureAwait(false);
            return 4;
        }

        await using (server.ConfigureAwait(false))
        {
            await started(server).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop gracefully.
            }
        }
        return 0;
    }
}
