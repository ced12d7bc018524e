using System.Diagnostics;
using System.Net;
using Tokengate.Bench.Output;
using Tokengate.Bench.Stats;
using Tokengate.Bench.Tokens;

namespace Tokengate.Bench.Load;

/// <summary>
/// Runs a <see cref="LoadPlan"/>: starts requests on schedule (open loop) or from a fixed number of clients (closed
/// loop) until the duration or the request count is reached, closes an aggregation interval every window, then
/// waits for the requests in flight and reports the summary. Cancelling stops at once, drops what is in flight and
/// still reports.
/// </summary>
internal sealed class LoadRunner
{
    private readonly LoadPlan _plan;
    private readonly ILoadReporter _reporter;
    private readonly TimeProvider _time;
    private readonly LoadStats _stats = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PromptFactory _prompts;
    private readonly ExponentialBackoff _backoff;
    private long _started;
    private volatile bool _scheduling = true;

    public LoadRunner(LoadPlan plan, ILoadReporter reporter, TimeProvider? time = null)
    {
        _plan = plan;
        _reporter = reporter;
        _time = time ?? TimeProvider.System;

        // Request tasks draw from these concurrently, so only the thread-safe shared source will do.
        _prompts = new PromptFactory(plan.Shape, plan.Operation, plan.Api == BenchApi.OpenAIV1 ? plan.Deployment : null, plan.Stream,
            BenchTokenizer.Default, Random.Shared);
        _backoff = new ExponentialBackoff(Random.Shared);
    }

    /// <summary>Runs to the end and returns the summary it reported.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            // Nothing goes anywhere but the named endpoint: no redirects, no proxy from the environment.
            AllowAutoRedirect = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
        };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var target = new RequestTarget(_plan.Endpoint, _plan.Api, _plan.Deployment, _plan.ApiVersion, _plan.Operation, _plan.ApiKey);
        var sender = new RequestSender(http, target, _prompts, _stats, _plan, _backoff, _time);

        LoadReport? summary = null;
        await _reporter.RunAsync(async () =>
        {
            var start = Stopwatch.GetTimestamp();
            var stopAt = start + Ticks(_plan.Warmup + _plan.Duration);
            var load = _plan.Rate is double rate
                ? OpenLoopAsync(sender, rate, start, stopAt, cancellationToken)
                : ClosedLoopAsync(sender, _plan.Clients!.Value, stopAt, cancellationToken);
            var finished = FinishAsync(load);
            summary = await ReportAsync(start, finished).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return summary!;
    }

    private async Task FinishAsync(Task load)
    {
        await load.ConfigureAwait(false);
        _scheduling = false;
        if (_stats.InFlight == 0)
        {
            _drained.TrySetResult();
        }

        await _drained.Task.ConfigureAwait(false);
    }

    private async Task OpenLoopAsync(RequestSender sender, double rate, long start, long stopAt, CancellationToken cancellationToken)
    {
        var period = Stopwatch.Frequency * 60.0 / rate;
        long launched = 0;
        while (!cancellationToken.IsCancellationRequested && launched < _plan.MaxRequests)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= stopAt)
            {
                return;
            }

            // Everything due by now starts now: a late wake-up never lowers the rate.
            var due = Math.Min(_plan.MaxRequests, (long)((now - start) / period) + 1);
            for (; launched < due; launched++)
            {
                Launch(sender, cancellationToken);
            }

            var next = Math.Min(start + (long)(launched * period), stopAt);
            if (next > now)
            {
                try
                {
                    await Task.Delay(PacingWait(Stopwatch.GetElapsedTime(now, next)), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// How long the open loop sleeps until its next start: never less than <see cref="MinimumPacingWait"/>. A timer
    /// cannot wait less than a millisecond, and a shorter delay completed at once, so above 1,000 requests a second
    /// the loop spun on the clock and took a whole core from whatever shared it (the backend, in <c>bench/knee</c>).
    /// Waking once a millisecond and starting everything due by then keeps the rate exact, in bursts of a millisecond.
    /// </summary>
    internal static TimeSpan PacingWait(TimeSpan untilNext) => untilNext < MinimumPacingWait ? MinimumPacingWait : untilNext;

    internal static readonly TimeSpan MinimumPacingWait = TimeSpan.FromMilliseconds(1);

    private Task ClosedLoopAsync(RequestSender sender, int clients, long stopAt, CancellationToken cancellationToken)
    {
        var loops = new Task[clients];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < stopAt
                    && Interlocked.Increment(ref _started) <= _plan.MaxRequests)
                {
                    await RunOneAsync(sender, cancellationToken).ConfigureAwait(false);
                }
            }, CancellationToken.None);
        }

        return Task.WhenAll(loops);
    }

    private void Launch(RequestSender sender, CancellationToken cancellationToken) => _ = RunOneAsync(sender, cancellationToken);

    private async Task RunOneAsync(RequestSender sender, CancellationToken cancellationToken)
    {
        _stats.Started();
        try
        {
            await sender.SendAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_stats.Finished() == 0 && !_scheduling)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Closes an interval every window (with one boundary exactly at the end of warm-up) until the run finishes.</summary>
    private async Task<LoadReport> ReportAsync(long start, Task finished)
    {
        var warmupEnd = start + Ticks(_plan.Warmup);
        var window = Ticks(_plan.Window);
        var boundary = start;
        while (true)
        {
            var next = boundary < warmupEnd ? Math.Min(boundary + window, warmupEnd) : boundary + window;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero && await Task.WhenAny(finished, Task.Delay(wait, _time)).ConfigureAwait(false) == finished)
            {
                break;
            }

            Close(boundary, next, next <= warmupEnd);
            boundary = next;
        }

        await finished.ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        Close(boundary, end, end <= warmupEnd);
        var measured = end > warmupEnd ? Stopwatch.GetElapsedTime(warmupEnd, end) : TimeSpan.Zero;
        var summary = _stats.Summary(_time.GetUtcNow(), Stopwatch.GetElapsedTime(start, end).TotalSeconds, measured.TotalSeconds);
        _reporter.Summary(summary);
        return summary;

        void Close(long from, long to, bool warmup) =>
            _reporter.Interval(_stats.CloseInterval(_time.GetUtcNow(), Stopwatch.GetElapsedTime(start, to).TotalSeconds,
                Stopwatch.GetElapsedTime(from, to).TotalSeconds, warmup));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
