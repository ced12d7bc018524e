using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.OpenAI;
using Tokengate.Proxy;
using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Realtime;

/// <summary>
/// Opens a session's upstream WebSocket: the forwarding loop's choice of backend (the pool's policy and health, no
/// backend tried twice), with failover only here, at the handshake. A handshake refused with 429 rests the backend
/// until its <c>retry-after</c> (throttled); a 5xx, a 401/403/404 (the backend's own key or deployment), a timeout
/// or a connection failure is the backend's fault and the next one is tried. Any other refusal (400) is the
/// session's own and is answered. Once the session is open nothing fails over: the conversation lives in that
/// backend.
/// </summary>
internal sealed partial class RealtimeConnector(
    OutboundHttpClient client, IBackendHealth health, TimeProvider time, Random random, GatewayMetrics metrics, ILogger<RealtimeConnector> logger)
{
    public async Task<RealtimeConnection> ConnectAsync(GatewayRequestFeature feature, CancellationToken aborted)
    {
        var pool = feature.Pool!;
        var options = feature.Snapshot.Forwarding;
        var deadline = time.GetUtcNow() + options.Deadline - time.GetElapsedTime(feature.StartTimestamp);
        var last = AttemptOutcome.None;
        ulong tried = 0;
        for (var i = 0; i < pool.Backends.Count; i++)
        {
            if (!pool.Backends[i].CanServe(feature.Route.Operation)) tried |= 1UL << i;
        }

        while (feature.Outcome.Attempts < options.MaxAttempts)
        {
            var backend = pool.Policy.Select(pool, health, tried, 0, random) ?? pool.Policy.Select(pool, health.IgnoringSpillover, tried, 0, random);
            if (backend is null) break;
            tried |= 1UL << backend.Index;
            if (!health.TryBeginAttempt(backend)) continue;

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                health.ReportAbandoned(backend);
                last = AttemptOutcome.TimedOut;
                break;
            }

            feature.Outcome.Attempts++;
            feature.Outcome.Backend = backend;
            var verdict = false;
            try
            {
                var (socket, outcome, error) = await AttemptAsync(feature, backend, options, remaining < options.AttemptTimeout ? remaining : options.AttemptTimeout, aborted).ConfigureAwait(false);
                verdict = true;
                last = outcome;
                if (socket is not null || error is not null) return new RealtimeConnection(socket, error);
            }
            finally
            {
                // The consumer left or something threw: a half-open probe must not stay claimed forever.
                if (!verdict) health.ReportAbandoned(backend);
            }
        }
        return new RealtimeConnection(null, Forwarder.Exhausted(feature, last, deadline, health, time.GetUtcNow()));
    }

    /// <summary>One handshake with one backend; reports what it proves to the backend's health.</summary>
    private async Task<(ClientWebSocket? Socket, AttemptOutcome Outcome, GatewayError? Error)> AttemptAsync(
        GatewayRequestFeature feature, Backend backend, ForwardingOptions options, TimeSpan timeout, CancellationToken aborted)
    {
        var pool = feature.Pool!;
        using var span = metrics.StartAttempt(backend, pool, feature.Outcome.Attempts);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = RealtimeUpstreamRequest.Target(backend, feature.Route.Family, feature.ApiVersion, feature.Request.Query);
        using var attemptTimeout = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attemptTimeout.Token, aborted);
        try
        {
            RealtimeUpstreamRequest.CopyHeaders(feature.Request, socket.Options);
            await backend.Credential.ApplyAsync(socket.Options, linked.Token).ConfigureAwait(false);
            health.ReportSent(backend, 0);
            await client.ConnectWebSocketAsync(socket, uri, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            socket.Dispose();
            health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
            metrics.AttemptFailed(span, backend, pool, AttemptOutcome.TimedOut, 0, options.DefaultCooldown);
            LogHandshakeFailed(logger, backend.Name, pool.Name, nameof(AttemptOutcome.TimedOut), 0);
            return (null, AttemptOutcome.TimedOut, null);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            var status = (int)socket.HttpStatusCode;
            using var answer = Answer(socket);
            socket.Dispose();
            return Refused(feature, backend, span, status, answer.Headers, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        using (var answer = Answer(socket))
        {
            health.ReportSuccess(backend);
            health.ReportQuota(backend, RateLimitHeaders.ReadBackendQuota(answer.Headers));
            metrics.AttemptAnswered(span, backend, pool, StatusCodes101, answer.Headers);
        }
        feature.Outcome.ResponseStartTimestamp = time.GetTimestamp();
        return (socket, AttemptOutcome.Answered, null);
    }

    private const int StatusCodes101 = 101;

    /// <summary>A handshake the backend refused, or that never reached it (status 0).</summary>
    private (ClientWebSocket?, AttemptOutcome, GatewayError?) Refused(
        GatewayRequestFeature feature, Backend backend, System.Diagnostics.Activity? span, int status, HttpResponseHeaders headers, ForwardingOptions options)
    {
        var pool = feature.Pool!;
        var now = time.GetUtcNow();
        if (status != 0) health.ReportQuota(backend, RateLimitHeaders.ReadBackendQuota(headers));
        var outcome = status switch
        {
            0 => AttemptOutcome.ConnectionFailed,
            429 => AttemptOutcome.Throttled,
            408 or >= 500 => AttemptOutcome.ServerError,
            401 or 403 or 404 => AttemptOutcome.Failed,
            _ => AttemptOutcome.Answered,
        };
        if (outcome == AttemptOutcome.Answered)
        {
            // The backend is well and refused this session (a bad parameter): the consumer gets that status.
            health.ReportSuccess(backend);
            metrics.AttemptAnswered(span, backend, pool, status, headers);
            return (null, outcome, new GatewayError(status, status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"The backend of deployment '{pool.Name}' refused the realtime session with status {status}; check the session's query parameters."));
        }

        var named = RetryAfter.From(headers, now);
        TimeSpan? rest = outcome == AttemptOutcome.ServerError ? named : named ?? options.DefaultCooldown;
        if (rest > options.MaxCooldown) rest = options.MaxCooldown;
        if (outcome == AttemptOutcome.Throttled) health.ReportThrottled(backend, now + rest!.Value);
        else health.ReportFailure(backend, rest is { } r ? now + r : null);
        metrics.AttemptFailed(span, backend, pool, outcome, status, rest ?? TimeSpan.Zero, headers);
        LogHandshakeFailed(logger, backend.Name, pool.Name, outcome.ToString(), status);
        return (null, outcome, null);
    }

    /// <summary>The handshake's response headers (rate limits, retry-after) in the form the health and metrics read them.</summary>
    private static HttpResponseMessage Answer(ClientWebSocket socket)
    {
        var answer = new HttpResponseMessage((HttpStatusCode)Math.Max(100, (int)socket.HttpStatusCode));
        if (socket.HttpResponseHeaders is { } headers)
        {
            foreach (var (name, values) in headers) answer.Headers.TryAddWithoutValidation(name, values);
        }
        socket.HttpResponseHeaders = null;
        return answer;
    }

    [LoggerMessage(1, LogLevel.Information, "Backend {Backend} of pool {Pool} failed a realtime handshake: {Outcome} {Status}; trying the next")]
    private static partial void LogHandshakeFailed(ILogger logger, string backend, string pool, string outcome, int status);
}
