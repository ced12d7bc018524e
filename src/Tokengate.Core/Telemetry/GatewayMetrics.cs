using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Tokengate.Accounting;
using Tokengate.Proxy;
using Tokengate.Routing;

namespace Tokengate.Telemetry;

/// <summary>
/// The gateway's one <see cref="System.Diagnostics.Metrics.Meter"/> (<c>Tokengate</c>) and its synchronous
/// instruments. Request-path hooks (attempts) only add to counters with stack-allocated tag lists; token, cost and
/// latency figures are recorded from each <see cref="UsageRecord"/> by the ledger's background consumer.
/// Observable gauges live in <see cref="GatewayGauges"/>.
/// </summary>
internal sealed partial class GatewayMetrics : IDisposable
{
    public const string MeterName = "Tokengate";

    // Bucket advice from the GenAI semantic conventions.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly double[] TokenTimeBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5];
    private static readonly double[] OverheadBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _spillovers;
    private readonly Counter<long> _cooldowns;
    private readonly Counter<long> _poolOverflows;
    private readonly Counter<long> _backendTokens;
    private readonly Counter<long> _consumerRequests;
    private readonly Counter<long> _consumerTokens;
    private readonly Counter<long> _consumerMediaTokens;
    private readonly Counter<long> _priorityRequests;
    private readonly Counter<long> _serviceTierRequests;
    private readonly Counter<double> _consumerMediaUnits;
    private readonly Counter<double> _consumerCost;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _ledgerLag;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _overhead;
    private readonly MetricsTimeline _timeline;
    private readonly BackendQuotaBook _quotas;
    private readonly CounterTally _tally = new();
    private readonly Lock _tallyLock = new();

    public GatewayMetrics(IMeterFactory meters, MetricsTimeline timeline, BackendQuotaBook quotas)
    {
        _timeline = timeline;
        _quotas = quotas;
        Meter = meters.Create(MeterName);
        _tokenUsage = Meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Tokens per request, by gen_ai.token.type (input, output).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _operationDuration = Meter.CreateHistogram("gen_ai.client.operation.duration", "s", "Time from the request entering the gateway to its last response byte.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _timeToFirstToken = Meter.CreateHistogram("gen_ai.server.time_to_first_token", "s", "Streaming requests: time until the first response event arrived from the backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _timePerOutputToken = Meter.CreateHistogram("gen_ai.server.time_per_output_token", "s", "Streaming requests: time per output token after the first.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TokenTimeBuckets });
        _attempts = Meter.CreateCounter<long>("tokengate.backend.attempts", "{attempt}", "Backend attempts by outcome (answered, throttled = 429, failed, timed_out, connection_failed).");
        _retries = Meter.CreateCounter<long>("tokengate.backend.retries", "{attempt}", "Attempts after the first one of a request (failover after a 429, 5xx, timeout or connection failure).");
        _spillovers = Meter.CreateCounter<long>("tokengate.backend.spillovers", "{request}", "Attempts sent to a backend of a lower priority tier than the pool's first one.");
        _cooldowns = Meter.CreateCounter<long>("tokengate.backend.cooldowns", "{cooldown}", "Times a backend was put to rest (429, timeout, connection failure, 401/403/404, a 5xx that named a Retry-After).");
        _poolOverflows = Meter.CreateCounter<long>("tokengate.pool.overflows", "{request}",
            "Requests a dedicated pool could not take that went on to its shared pool, by tokengate.pool.from and tokengate.pool.to.");
        _backendTokens = Meter.CreateCounter<long>("tokengate.backend.tokens", "{token}", "Tokens served by a backend, by gen_ai.token.type.");
        _consumerRequests = Meter.CreateCounter<long>("tokengate.consumer.requests", "{request}", "Requests per consumer, by status class.");
        _consumerTokens = Meter.CreateCounter<long>("tokengate.consumer.tokens", "{token}", "Tokens per consumer, by gen_ai.token.type.");
        _priorityRequests = Meter.CreateCounter<long>("tokengate.priority.requests", "{request}",
            "Requests per priority class, by tokengate.priority and tokengate.status_class.");
        _serviceTierRequests = Meter.CreateCounter<long>("tokengate.service_tier.requests", "{request}",
            "Requests answered by a backend, by the service_tier they carried (tokengate.service_tier.requested) and the one that served them (tokengate.service_tier.served).");
        _consumerMediaTokens = Meter.CreateCounter<long>("tokengate.consumer.media_tokens", "{token}",
            "Audio and image tokens per consumer (part of tokengate.consumer.tokens), by gen_ai.token.type and tokengate.modality.");
        _consumerMediaUnits = Meter.CreateCounter<double>("tokengate.consumer.media_units", "{unit}",
            "Units media models bill in per consumer, by tokengate.media.unit: image, audio_second, character.");
        _consumerCost = Meter.CreateCounter<double>("tokengate.consumer.cost", "{USD}", "Cost in USD per consumer, from the price table.");
        _rejections = Meter.CreateCounter<long>("tokengate.consumer.rejections", "{request}", "Requests refused by the consumer's rate limits or budgets (429 before any backend).");
        _queueWait = Meter.CreateHistogram("tokengate.queue.wait", "s",
            "Time requests spent in the wait queue, by tokengate.priority and tokengate.wait.outcome (served, timed_out, abandoned).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _overhead = Meter.CreateHistogram("tokengate.gateway.overhead", "ms",
            "The gateway's own time per request answered by a backend: its whole time less the waits on backends until their response headers (streams: until the first byte), by gen_ai.operation.name.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = OverheadBuckets });
        _ledgerLag = Meter.CreateHistogram("tokengate.ledger.lag", "s", "Time from a request's end to its usage record being handed to the ledger writer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Meter Meter { get; }

    /// <summary>
    /// Starts the span of one backend attempt (null when nobody listens) and counts retries and spillover: an attempt
    /// to a backend of a lower priority tier than the pool's first tier is one.
    /// </summary>
    public Activity? StartAttempt(Backend backend, Pool pool, int attempt)
    {
        var tags = new TagList { { TelemetryTags.Backend, backend.Name }, { TelemetryTags.Pool, pool.Name } };
        if (attempt > 1) _retries.Add(1, tags);
        if (IsSpillover(backend, pool))
        {
            _spillovers.Add(1, tags);
            _timeline.RecordEvent(backend.Name, pool.Name, throttled: false);
        }
        var span = GatewayTracing.Source.StartActivity("backend attempt", ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag(TelemetryTags.Backend, backend.Name);
            span.SetTag(TelemetryTags.Pool, pool.Name);
            span.SetTag("tokengate.attempt", attempt);
        }
        return span;
    }

    /// <summary>The backend answered: its rate-limit headers are noted.</summary>
    public void AttemptAnswered(Activity? span, Backend backend, Pool pool, int status, HttpResponseHeaders headers)
    {
        _quotas.Observe(backend, headers);
        _attempts.Add(1, new TagList { { TelemetryTags.Backend, backend.Name }, { TelemetryTags.Pool, pool.Name }, { TelemetryTags.Outcome, "answered" } });
        if (span is null) return;
        span.SetTag(TelemetryTags.Outcome, "answered");
        span.SetTag("http.response.status_code", status);
    }

    /// <summary>The attempt failed and the backend rests for <paramref name="rest"/>.</summary>
    public void AttemptFailed(Activity? span, Backend backend, Pool pool, AttemptOutcome outcome, int status, TimeSpan rest, HttpResponseHeaders? headers = null)
    {
        if (headers is not null) _quotas.Observe(backend, headers);
        var outcomeName = TelemetryTags.OutcomeName(outcome);
        var tags = new TagList { { TelemetryTags.Backend, backend.Name }, { TelemetryTags.Pool, pool.Name }, { TelemetryTags.Outcome, outcomeName } };
        _attempts.Add(1, tags);
        if (rest > TimeSpan.Zero) _cooldowns.Add(1, tags);
        if (outcome == AttemptOutcome.Throttled) _timeline.RecordEvent(backend.Name, pool.Name, throttled: true);
        if (span is null) return;
        span.SetTag(TelemetryTags.Outcome, outcomeName);
        if (status != 0) span.SetTag("http.response.status_code", status);
        span.SetTag("tokengate.retry_after_ms", (long)rest.TotalMilliseconds);
        span.SetStatus(ActivityStatusCode.Error, outcomeName);
    }

    /// <summary>A request left the wait queue after <paramref name="waited"/>.</summary>
    public void QueueWaited(string priority, Priority.WaitOutcome outcome, TimeSpan waited) =>
        _queueWait.Record(waited.TotalSeconds, new TagList { { TelemetryTags.Priority, priority }, { TelemetryTags.WaitOutcome, TelemetryTags.WaitOutcomeName(outcome) } });

    /// <summary>A dedicated pool's request overflowed to the shared pool.</summary>
    public void PoolOverflowed(Pool from, Pool to) =>
        _poolOverflows.Add(1, new TagList { { TelemetryTags.PoolFrom, from.Name }, { TelemetryTags.PoolTo, to.Name } });

    /// <summary>One finished request's usage record (a batch line, a finished Azure batch): see <see cref="Record(ReadOnlySpan{UsageRecord}, DateTimeOffset)"/>.</summary>
    public void Record(UsageRecord r, DateTimeOffset now) => Record([r], now);

    /// <summary>
    /// Everything a batch of finished requests' usage records says, recorded off the request path by the ledger's
    /// writer (32 records at a time). Counters are summed per tag set first and each sum is added once, so records
    /// from one consumer cost a handful of instrument updates per call instead of a dozen per record: every update looks its
    /// tag set up and takes the exporter's lock, and on a gateway given one or two cores that burst delayed the
    /// requests that arrived during it. Histograms take each record's own value.
    /// </summary>
    public void Record(ReadOnlySpan<UsageRecord> batch, DateTimeOffset now)
    {
        if (batch.IsEmpty) return;
        lock (_tallyLock)
        {
            foreach (var r in batch) RecordOne(r, now);
            _tally.Flush(this);
        }
    }

    private void RecordOne(UsageRecord r, DateTimeOffset now)
    {
        _timeline.Record(r);
        _ledgerLag.Record(Math.Max(0, (now - r.At).TotalSeconds));
        // The pool that served (a dedicated pool, or the shared one it overflowed to); the deployment is the name called.
        var pool = r.Pool ?? r.Deployment;
        _tally.Add(r, r.Group ?? TelemetryTags.NoGroup, pool);

        if (r.Backend is null) return;
        var genAi = new TagList
        {
            { TelemetryTags.Operation, r.Operation?.TelemetryName ?? TelemetryTags.UnknownOperation },
            { TelemetryTags.Provider, TelemetryTags.AzureProvider },
            { TelemetryTags.RequestModel, r.Deployment },
            { TelemetryTags.ResponseModel, r.Model ?? "" },
            { TelemetryTags.Backend, r.Backend },
        };
        if (r.Source != UsageSource.None)
        {
            var input = genAi;
            input.Add(TelemetryTags.TokenType, TelemetryTags.Input);
            _tokenUsage.Record(r.PromptTokens, input);
            if (r.Operation?.Generates != false || r.CompletionTokens > 0)
            {
                var output = genAi;
                output.Add(TelemetryTags.TokenType, TelemetryTags.Output);
                _tokenUsage.Record(r.CompletionTokens, output);
            }
        }
        var duration = genAi;
        if (r.Status >= 400) duration.Add(TelemetryTags.ErrorType, TelemetryTags.StatusClassOf(r.Status));
        _operationDuration.Record(r.LatencyMs / 1000, duration);
        // One tag in a TagList (a struct): nothing is allocated; recorded here, by the ledger's one background reader,
        // so requests on many cores never meet on the histogram's buckets.
        if (r.OverheadMs is { } overhead)
            _overhead.Record(overhead, new TagList { { TelemetryTags.Operation, r.Operation?.TelemetryName ?? TelemetryTags.UnknownOperation } });
        if (r.Stream && r.Status < 400 && r.TimeToFirstTokenMs is { } ttft)
        {
            _timeToFirstToken.Record(ttft / 1000, genAi);
            if (r.CompletionTokens > 1) _timePerOutputToken.Record((r.LatencyMs - ttft) / 1000 / (r.CompletionTokens - 1), genAi);
        }
    }

    public void Dispose() => Meter.Dispose();

    private static void AddTokens(Counter<long> counter, TagList tags, long input, long output)
    {
        if (input > 0)
        {
            var t = tags;
            t.Add(TelemetryTags.TokenType, TelemetryTags.Input);
            counter.Add(input, t);
        }
        if (output > 0)
        {
            tags.Add(TelemetryTags.TokenType, TelemetryTags.Output);
            counter.Add(output, tags);
        }
    }

    private static bool IsSpillover(Backend backend, Pool pool)
    {
        var first = int.MaxValue;
        foreach (var b in pool.Backends) first = Math.Min(first, b.Priority);
        return backend.Priority > first;
    }
}
