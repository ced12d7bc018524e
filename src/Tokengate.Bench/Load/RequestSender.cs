using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using Tokengate.Bench.Stats;

namespace Tokengate.Bench.Load;

/// <summary>
/// One logical request from first attempt to final outcome, retries included, recorded into <see cref="LoadStats"/>.
/// Latencies run from the first attempt's start, so with retries on they are what a client waits.
/// </summary>
internal sealed class RequestSender(HttpClient http, RequestTarget target, PromptFactory prompts, LoadStats stats, LoadPlan plan, ExponentialBackoff backoff, TimeProvider time)
{
    private const string UtilizationHeader = "azure-openai-deployment-utilization";

    private readonly bool _stream = plan.Stream && plan.Operation == BenchOperation.Chat;

    /// <summary>Sends and records; never throws. Cancellation by <paramref name="stopping"/> leaves no record.</summary>
    public async Task SendAsync(CancellationToken stopping)
    {
        var start = Stopwatch.GetTimestamp();
        var body = prompts.Create();
        for (var retry = 1; ; retry++)
        {
            Attempt attempt;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                timeout.CancelAfter(plan.Timeout);
                try
                {
                    attempt = await AttemptAsync(body, start, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
                {
                    // Timeouts, refused connections and broken streams: failures the retry policy may retry.
                    attempt = new Attempt(500, null);
                }
            }

            if (attempt.Status == 200)
            {
                return;
            }

            var delay = plan.Retry == RetryMode.Exponential && ExponentialBackoff.IsRetryable(attempt.Status) ? backoff.Delay(retry, attempt.RetryAfter) : null;
            if (delay is null)
            {
                if (attempt.Status != 429)
                {
                    stats.Failed();
                }

                return;
            }

            try
            {
                await Task.Delay(delay.Value, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Attempt> AttemptAsync(byte[] body, long start, CancellationToken cancellationToken)
    {
        using var request = target.Create(body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        RecordUtilization(response);
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            if (status == 429)
            {
                stats.Throttled();
            }

            return new Attempt(status, RetryAfter.From(response, time.GetUtcNow()));
        }

        var succeeded = _stream
            ? await ReadStreamAsync(response, start, cancellationToken).ConfigureAwait(false)
            : await ReadWholeAsync(response, start, cancellationToken).ConfigureAwait(false);
        return new Attempt(succeeded ? 200 : 502, null);
    }

    private async Task<bool> ReadWholeAsync(HttpResponseMessage response, long start, CancellationToken cancellationToken)
    {
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        var scan = ChunkScan.Read(json);
        if (scan.IsError)
        {
            return false;
        }

        stats.Succeeded(scan.HasUsage ? scan.PromptTokens : prompts.ContextTokens, scan.CompletionTokens, end - start);
        return true;
    }

    private async Task<bool> ReadStreamAsync(HttpResponseMessage response, long start, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            long previous = 0;
            var chunks = 0;
            ChunkScan usage = default;
            var done = false;
            await foreach (var item in SseParser.Create(stream, static (_, data) => ChunkScan.Read(data)).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                var scan = item.Data;
                if (scan.IsError)
                {
                    return false;
                }

                if (scan.IsDone)
                {
                    done = true;
                    break;
                }

                if (scan.HasUsage)
                {
                    usage = scan;
                }

                if (scan.HasContent)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (chunks++ == 0)
                    {
                        stats.FirstToken(now - start);
                    }
                    else
                    {
                        stats.BetweenTokens(now - previous);
                    }

                    previous = now;
                }
            }

            if (!done)
            {
                return false;
            }

            // Without a usage chunk (a server that ignores stream_options), count what arrived: the prompt is known,
            // and each content chunk is at least one token.
            stats.Succeeded(usage.HasUsage ? usage.PromptTokens : prompts.ContextTokens, usage.HasUsage ? usage.CompletionTokens : chunks,
                Stopwatch.GetTimestamp() - start);
            return true;
        }
    }

    private void RecordUtilization(HttpResponseMessage response)
    {
        if (response.Headers.NonValidated.TryGetValues(UtilizationHeader, out var values)
            && double.TryParse(values.ToString().Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            && double.IsFinite(percent) && percent >= 0)
        {
            stats.Utilization(percent);
        }
    }

    private readonly record struct Attempt(int Status, TimeSpan? RetryAfter);
}
