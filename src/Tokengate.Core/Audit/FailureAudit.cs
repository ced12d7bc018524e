using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tokengate.Telemetry;

namespace Tokengate.Audit;

/// <summary>
/// Where the request path reports refused credentials and denied calls (admin API and model routes) for the audit
/// log. Reporting never waits and never writes: the failure goes into a bounded queue that
/// <see cref="FailureAuditWriter"/> drains, aggregates and writes off the request path; when the queue is full it is
/// dropped and counted (<c>tokengate.audit.failures_dropped</c>). Every text taken from the request is capped
/// (<see cref="AuditOptions.MaxFieldLength"/>) before it is queued, so neither the queue nor a record can be inflated
/// by one request.
/// </summary>
internal sealed class FailureAudit
{
    /// <summary>An admin API call without a valid credential.</summary>
    public const string AdminUnauthenticated = "admin.unauthenticated";

    /// <summary>A model call without a valid credential.</summary>
    public const string AuthenticationFailed = "authentication.failed";

    /// <summary>An authenticated principal without the role or scope the call needs.</summary>
    public const string AuthorizationDenied = "authorization.denied";

    /// <summary>The actor of a failure nobody could be identified for.</summary>
    public const string Unauthenticated = "(unauthenticated)";

    /// <summary>Reasons a credential is refused; the audit tells them apart, the caller's 401 does not.</summary>
    public const string NoCredential = "no credential";
    public const string InvalidKey = "invalid key";

    private readonly Channel<AuditFailure> _channel;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;
    private readonly int _maxFieldLength;
    private readonly TimeProvider _time;

    public FailureAudit(IOptions<AuditOptions> options, GatewayMetrics metrics, TimeProvider time)
    {
        _time = time;
        _maxFieldLength = options.Value.MaxFieldLength;
        _channel = Channel.CreateBounded<AuditFailure>(new BoundedChannelOptions(options.Value.FailureQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _failures = metrics.Meter.CreateCounter<long>("tokengate.audit.failures", "{failure}",
            "Refused credentials and denied calls reported for the audit log, by tokengate.audit.action (before aggregation).");
        _dropped = metrics.Meter.CreateCounter<long>("tokengate.audit.failures_dropped", "{failure}",
            "Failures missing from the audit log, by error.type: queue_full (the failure queue was full), write_failed (the database refused the batch).");
        metrics.Meter.CreateObservableGauge("tokengate.audit.failure_queue_length", () => _channel.Reader.Count, "{failure}",
            "Failures waiting for the audit writer.");
    }

    public ChannelReader<AuditFailure> Reader => _channel.Reader;

    /// <summary>A refused or denied request; <paramref name="reason"/> should come from a small set of texts, since repeats are told apart by it.</summary>
    public void Record(string action, string actor, IPAddress? address, string reason, string? target, string? userAgent = null)
    {
        _failures.Add(1, new KeyValuePair<string, object?>(TelemetryTags.AuditAction, action));
        var failure = new AuditFailure(_time.GetUtcNow(), action, Cap(actor)!, Normalize(address), Cap(reason)!, Cap(target), Cap(userAgent));
        if (!_channel.Writer.TryWrite(failure)) Dropped(1, "queue_full");
    }

    /// <summary>A refused or denied HTTP request: the target is its method and path, and its user agent is kept.</summary>
    public void Record(string action, string actor, IPAddress? address, string reason, HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent;
        Record(action, actor, address, reason, request.Method + " " + request.Path.Value, userAgent.Count > 0 ? userAgent[0] : null);
    }

    /// <summary>Failures that are not in the audit log after all; <paramref name="errorType"/> says why.</summary>
    public void Dropped(long count, string errorType) => _dropped.Add(count, new KeyValuePair<string, object?>(TelemetryTags.ErrorType, errorType));

    public void Complete() => _channel.Writer.TryComplete();

    private string? Cap(string? text) => AuditText.Cap(text, _maxFieldLength);

    // One client is one address whether it arrived over IPv4 or as an IPv4-mapped IPv6 address (as in the failure throttle).
    private static IPAddress? Normalize(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
