using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Files;

/// <summary>
/// Armed faults of the resource-level calls (files, uploads, fine-tuning jobs), which reach no deployment and so
/// escape the deployments' fault settings: the next N calls fail with a status or have their connection reset, and
/// the next N fine-tuning jobs fail.
/// </summary>
internal sealed class ResourceFaults
{
    private const int DefaultInjected429RetryMs = 1_000;
    private int _failNext;
    private int _failStatus = StatusCodes.Status500InternalServerError;
    private int? _retryAfterMs;
    private int _resetNext;
    private int _failJobs;
    private int _failBatchLines;

    public int PendingFailures => Volatile.Read(ref _failNext);

    public int PendingResets => Volatile.Read(ref _resetNext);

    public int PendingJobFailures => Volatile.Read(ref _failJobs);

    public int PendingBatchLineFailures => Volatile.Read(ref _failBatchLines);

    public void FailNext(int count, int statusCode, int? retryAfterMs)
    {
        Volatile.Write(ref _failStatus, statusCode);
        _retryAfterMs = retryAfterMs;
        Interlocked.Exchange(ref _failNext, Math.Max(0, count));
    }

    public void ResetNext(int count) => Interlocked.Exchange(ref _resetNext, Math.Max(0, count));

    public void FailNextJobs(int count) => Interlocked.Exchange(ref _failJobs, Math.Max(0, count));

    public bool TryConsumeJobFailure() => TryConsume(ref _failJobs);

    public void FailNextBatchLines(int count) => Interlocked.Exchange(ref _failBatchLines, Math.Max(0, count));

    /// <summary>Takes every armed batch line failure for the batch being created.</summary>
    public int TakeBatchLineFailures() => Interlocked.Exchange(ref _failBatchLines, 0);

    public void Clear()
    {
        Interlocked.Exchange(ref _failNext, 0);
        Interlocked.Exchange(ref _resetNext, 0);
        Interlocked.Exchange(ref _failJobs, 0);
        Interlocked.Exchange(ref _failBatchLines, 0);
    }

    /// <summary>Returns false when an armed fault has answered (or aborted) the call.</summary>
    public async Task<bool> PassAsync(HttpContext context)
    {
        if (TryConsume(ref _resetNext))
        {
            context.Abort();
            return false;
        }

        if (!TryConsume(ref _failNext))
        {
            return true;
        }

        var status = Volatile.Read(ref _failStatus);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            var seconds = ResponseHeaders.WriteRetryAfter(context.Response, TimeSpan.FromMilliseconds(_retryAfterMs ?? DefaultInjected429RetryMs));
            await AzureErrors.WriteAsync(context, status, "429",
                $"Requests to this resource have exceeded the call rate limit of your current pricing tier. Please retry after {seconds} seconds.");
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable && _retryAfterMs is int retryMs)
        {
            ResponseHeaders.WriteRetryAfter(context.Response, TimeSpan.FromMilliseconds(retryMs));
        }

        await AzureErrors.WriteForStatusAsync(context, status);
        return false;
    }

    private static bool TryConsume(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
