using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tokengate.Secrets;

/// <summary>
/// Rotates each backend whose <c>KeyRotationInterval</c> has passed since its key last changed. Wakes when the
/// earliest rotation is due, and at least once a minute so reloaded intervals are noticed.
/// </summary>
internal sealed partial class ScheduledKeyRotation(BackendKeyRotation rotation, TimeProvider time, ILogger<ScheduledKeyRotation> logger) : BackgroundService
{
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wake = now + LongestSleep;
            foreach (var credential in rotation.Credentials())
            {
                if (credential.RotationInterval is not { } interval || !credential.HasSecondary) continue;
                if (credential.ActiveSince + interval <= now)
                {
                    try
                    {
                        await rotation.RotateCredentialAsync(credential, "on schedule", stoppingToken).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException ex)
                    {
                        // The message names references and stores, never values; tried again at the next wake.
                        LogRotationFailed(logger, credential.BackendName, ex.Message);
                        continue;
                    }
                }
                var due = credential.ActiveSince + interval;
                if (due < wake) wake = due;
            }

            try
            {
                await Task.Delay(wake - now, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Scheduled key rotation of backend {Backend} failed; the current key stays in use: {Reason}")]
    private static partial void LogRotationFailed(ILogger logger, string backend, string reason);
}
