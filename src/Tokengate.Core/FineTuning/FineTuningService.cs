using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Operations;
using Tokengate.Proxy;
using Tokengate.Routing;

namespace Tokengate.FineTuning;

/// <summary>
/// Fine-tuning jobs through the gateway. A job is created on one backend of the pool the consumer named, chosen by
/// the pool's policy and health, with failover on 429, server errors, timeouts and connection failures as the
/// forwarding loop does; the job's files are placed there first. The job keeps the backend's id and is bound to that
/// backend in the registry: every later call goes there, for its owner only.
/// </summary>
internal sealed partial class FineTuningService(
    FilePlacer placer, FineTuningCatalog jobs, FineTuningBackendClient backends, IBackendHealth health, UsageLedger ledger,
    TimeProvider time, Random random, ILogger<FineTuningService> logger)
{
    /// <summary>What a call came to: the status and the body for the consumer, or the gateway's error.</summary>
    internal readonly record struct Answer(int Status, byte[]? Body, GatewayError? Error)
    {
        public static Answer Of(GatewayError error) => new(error.Status, null, error);
    }

    /// <summary>Creates the job on a backend of <paramref name="pool"/>: places the files, sends the rewritten request, records the job.</summary>
    public async Task<Answer> CreateAsync(GatewayRequestFeature feature, Consumer consumer, Pool pool, JsonElement body, FineTuningCreateRequest request, StoredFile training,
        StoredFile? validation, ForwardingOptions options, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var deadline = time.GetUtcNow() + options.Deadline;
        var last = AttemptOutcome.None;
        ulong tried = 0;
        // A Global or Data Zone Batch deployment beside the pool's others takes batches only.
        foreach (var candidate in pool.Backends)
        {
            if (candidate.IsBatchDeployment) tried |= 1UL << candidate.Index;
        }
        Backend? answeredBy = null;
        var answer = default(Answer);
        try
        {
            for (var attempts = 0; attempts < options.MaxAttempts;)
            {
                var backend = pool.Policy.Select(pool, health, tried, 0, random) ?? pool.Policy.Select(pool, health.IgnoringSpillover, tried, 0, random);
                if (backend is null) break;
                tried |= 1UL << backend.Index;
                if (!health.TryBeginAttempt(backend)) continue;
                attempts++;
                var verdict = false;
                try
                {
                    var (outcome, result) = await AttemptCreateAsync(consumer, pool, backend, body, request, training, validation, options, deadline, cancellationToken).ConfigureAwait(false);
                    verdict = true;
                    last = outcome;
                    if (outcome == AttemptOutcome.Answered)
                    {
                        answeredBy = backend;
                        answer = result;
                        return answer;
                    }
                }
                finally
                {
                    if (!verdict) health.ReportAbandoned(backend);
                }
                if (time.GetUtcNow() >= deadline)
                {
                    last = AttemptOutcome.TimedOut;
                    break;
                }
            }
            feature.Pool = pool;
            answer = Answer.Of(Forwarder.Exhausted(feature, last, deadline, health, time.GetUtcNow()));
            return answer;
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                // The create is in the ledger (no tokens: training is billed by the service per token and hour; the registry keeps trained_tokens).
                await ledger.AppendAsync(new UsageRecord(time.GetUtcNow(), consumer.Name, consumer.Group, pool.Name, answeredBy?.Name, answeredBy is null ? null : BaseModel(answeredBy),
                    0, 0, 0, 0m, answer.Status, time.GetElapsedTime(started).TotalMilliseconds, null, false, UsageSource.None, Operation: OperationRegistry.FineTuningCreate)
                {
                    OperationName = OperationRegistry.FineTuningCreate.Name,
                }, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One backend: its copies of the files, then the job. The outcome says whether to try the next backend.</summary>
    private async Task<(AttemptOutcome Outcome, Answer Answer)> AttemptCreateAsync(Consumer consumer, Pool pool, Backend backend, JsonElement body,
        FineTuningCreateRequest request, StoredFile training, StoredFile? validation, ForwardingOptions options, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero) return (AttemptOutcome.TimedOut, default);
        using var attemptLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptLimit.CancelAfter(remaining);
        var callTimeout = options.AttemptTimeout < remaining ? options.AttemptTimeout : remaining;
        try
        {
            var placedTraining = await placer.PlaceAsync(training, backend, deadline, callTimeout, attemptLimit.Token).ConfigureAwait(false);
            if (Settled(backend, placedTraining, options) is { } failedTraining) return failedTraining;
            string? placedValidation = null;
            if (validation is not null)
            {
                var placed = await placer.PlaceAsync(validation, backend, deadline, callTimeout, attemptLimit.Token).ConfigureAwait(false);
                if (Settled(backend, placed, options) is { } failedValidation) return failedValidation;
                placedValidation = placed.BackendFileId;
            }

            var fileIds = new Dictionary<string, string>(StringComparer.Ordinal) { [training.Id] = placedTraining.BackendFileId! };
            if (validation is not null) fileIds[validation.Id] = placedValidation!;
            var baseModel = BaseModel(backend);
            var rewritten = FineTuningBodies.RewriteCreate(body, baseModel, fileIds);
            var reply = await backends.SendAsync(backend, HttpMethod.Post, FineTuningUpstream.Jobs(backend), FineTuningBackendClient.JsonContent(rewritten),
                callTimeout, attemptLimit.Token).ConfigureAwait(false);
            if (Classify(backend, reply, options) is var outcome && outcome != AttemptOutcome.Answered) return (outcome, default);

            var map = new FineTuningIdMap(fileIds.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal), baseModel, pool.Name);
            var mapped = FineTuningBodies.MapBack(reply.Body, map);
            if (reply.IsSuccess && FineTuningBodies.ReadJob(reply.Body) is { Id: { } id } state)
            {
                var now = time.GetUtcNow();
                await jobs.AddAsync(new FineTuningJobRecord(id, consumer.Name, pool.Name, backend.Name, baseModel, training.Id, training.Sha256, validation?.Id,
                    placedTraining.BackendFileId!, placedValidation, request.Settings, state.Status ?? "validating_files", state.FineTunedModel, state.TrainedTokens,
                    now, state.FinishedAt, now, System.Text.Encoding.UTF8.GetString(mapped)), CancellationToken.None).ConfigureAwait(false);
                LogCreated(logger, id, consumer.Name, pool.Name, backend.Name);
            }
            return (AttemptOutcome.Answered, new Answer(reply.Status, mapped, null));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
            LogAttemptFailed(logger, backend.Name, pool.Name, nameof(AttemptOutcome.TimedOut), 0);
            return (AttemptOutcome.TimedOut, default);
        }
        catch (HttpRequestException ex)
        {
            health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
            LogAttemptFailed(logger, backend.Name, pool.Name, ex.HttpRequestError.ToString(), 0);
            return (AttemptOutcome.ConnectionFailed, default);
        }
    }

    /// <summary>A placement that did not give an id: the backend's refusal classified, or the gateway's answer to the consumer.</summary>
    private (AttemptOutcome, Answer)? Settled(Backend backend, FilePlacement placement, ForwardingOptions options)
    {
        if (placement.BackendFileId is not null) return null;
        if (placement.Error is { } error)
        {
            health.ReportSuccess(backend);
            return (AttemptOutcome.Answered, Answer.Of(error));
        }
        var reply = placement.Refused!;
        var outcome = Classify(backend, reply, options);
        return (outcome, outcome == AttemptOutcome.Answered ? new Answer(reply.Status, reply.Body, null) : default);
    }

    /// <summary>
    /// The job's calls after create (<c>GET</c> the job, its events and checkpoints; cancel, pause, resume): only on its
    /// backend; the answer's backend names mapped back, and a job object's state written to the registry.
    /// </summary>
    public async Task<Answer> CallAsync(FineTuningJobRecord job, GatewaySnapshot snapshot, HttpMethod method, string? action, string? query, CancellationToken cancellationToken)
    {
        if (Locate(job, snapshot) is not ({ } pool, { } backend))
        {
            return Answer.Of(new GatewayError(503, "ServiceUnavailable",
                $"The backend that holds fine-tuning job {job.Id} is no longer configured; the job cannot be reached through the gateway."));
        }
        var options = snapshot.Forwarding;
        if (!health.Pinned.IsAvailable(backend, pool) || !health.TryBeginAttempt(backend)) return Answer.Of(Pinned(job, backend));
        var verdict = false;
        try
        {
            BackendReply reply;
            try
            {
                reply = await backends.SendAsync(backend, method, FineTuningUpstream.Jobs(backend, job.Id, action, query), null, options.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                verdict = true;
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                return Answer.Of(Pinned(job, backend));
            }
            catch (HttpRequestException ex)
            {
                verdict = true;
                health.ReportFailure(backend, time.GetUtcNow() + options.DefaultCooldown);
                LogAttemptFailed(logger, backend.Name, pool.Name, ex.HttpRequestError.ToString(), 0);
                return Answer.Of(Pinned(job, backend));
            }
            verdict = true;
            if (Classify(backend, reply, options) != AttemptOutcome.Answered) return Answer.Of(Pinned(job, backend));

            var mapped = FineTuningBodies.MapBack(reply.Body, job.IdMap());
            // The job itself, or its state after cancel, pause or resume: the registry follows it.
            if (reply.IsSuccess && action is null or "cancel" or "pause" or "resume")
            {
                var state = FineTuningBodies.ReadJob(reply.Body);
                if (state.Id == job.Id)
                    await jobs.UpdateAsync(job.Id, state, System.Text.Encoding.UTF8.GetString(mapped), time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            return new Answer(reply.Status, mapped, null);
        }
        finally
        {
            if (!verdict) health.ReportAbandoned(backend);
        }
    }

    /// <summary>
    /// The consumer's jobs from the registry, newest first; jobs still running on this page are refreshed from their
    /// backends first (one cheap call each; a backend that does not answer leaves the last known state).
    /// </summary>
    public async Task<(List<string> Jobs, bool HasMore)> ListAsync(Consumer consumer, GatewaySnapshot snapshot, string? after, int limit, CancellationToken cancellationToken)
    {
        var page = await jobs.ListAsync(consumer.Name, after, limit, cancellationToken).ConfigureAwait(false);
        var more = page.Count > limit;
        if (more) page.RemoveAt(page.Count - 1);
        var listed = new List<string>(page.Count);
        foreach (var job in page)
        {
            if (job.IsActive)
            {
                var fresh = await CallAsync(job, snapshot, HttpMethod.Get, null, null, cancellationToken).ConfigureAwait(false);
                if (fresh is { Status: >= 200 and < 300, Body: { } body })
                {
                    listed.Add(System.Text.Encoding.UTF8.GetString(body));
                    continue;
                }
            }
            listed.Add(job.Json);
        }
        return (listed, more);
    }

    /// <summary>The base model a backend fine-tunes: its configured model, else its deployment name.</summary>
    internal static string BaseModel(Backend backend) => backend.Model ?? backend.Deployment;

    /// <summary>Reports what a backend's answer proves to its health; <see cref="AttemptOutcome.Answered"/> when it is the answer to relay.</summary>
    private AttemptOutcome Classify(Backend backend, BackendReply reply, ForwardingOptions options)
    {
        var now = time.GetUtcNow();
        var rest = reply.RetryAfter is { } named && named < options.MaxCooldown ? named : reply.RetryAfter is null ? (TimeSpan?)null : options.MaxCooldown;
        switch (reply.Status)
        {
            case 429:
                health.ReportThrottled(backend, now + (rest ?? options.DefaultCooldown));
                return AttemptOutcome.Throttled;
            case 408 or >= 500:
                health.ReportFailure(backend, rest is { } r ? now + r : null);
                return AttemptOutcome.ServerError;
            case 401 or 403:
                // The backend's own key or role is wrong: another backend may be configured correctly.
                health.ReportFailure(backend, now + (rest ?? options.DefaultCooldown));
                return AttemptOutcome.Failed;
            default:
                health.ReportSuccess(backend);
                return AttemptOutcome.Answered;
        }
    }

    /// <summary>The job's pool and backend in the current configuration: its pool's backend of that name, else that backend in any pool (files and jobs belong to the resource).</summary>
    private static (Pool?, Backend?) Locate(FineTuningJobRecord job, GatewaySnapshot snapshot)
    {
        if (snapshot.TryGetPool(job.Pool, out var pool) && pool.Backends.FirstOrDefault(b => b.Name == job.Backend) is { } backend) return (pool, backend);
        foreach (var other in snapshot.Pools)
        {
            if (other.Backends.FirstOrDefault(b => b.Name == job.Backend) is { } found) return (other, found);
        }
        return (null, null);
    }

    /// <summary>The job's backend cannot answer now: when it can, and why (the job cannot be served elsewhere).</summary>
    private GatewayError Pinned(FineTuningJobRecord job, Backend backend)
    {
        var now = time.GetUtcNow();
        var back = PoolRecovery.Earliest([backend], health.Describe, now);
        var wait = back.At - now;
        if (wait <= TimeSpan.Zero) wait = TimeSpan.FromSeconds(1);
        return back.Throttled
            ? new GatewayError(429, "429", $"The backend that holds fine-tuning job {job.Id} has exceeded its rate limit; the job cannot be reached elsewhere. Please retry after {GatewayError.RetrySeconds(wait)} seconds.", RetryAfter: wait)
            : new GatewayError(503, "ServiceUnavailable", $"The backend that holds fine-tuning job {job.Id} is unavailable; the job cannot be reached elsewhere. Please retry after {GatewayError.RetrySeconds(wait)} seconds.", RetryAfter: wait);
    }

    [LoggerMessage(2102, LogLevel.Information, "Fine-tuning job {JobId} of {Consumer} created on backend {Backend} of pool {Pool}")]
    private static partial void LogCreated(ILogger logger, string jobId, string consumer, string pool, string backend);

    [LoggerMessage(2103, LogLevel.Information, "Backend {Backend} of pool {Pool} failed a fine-tuning call: {Outcome} {Status}")]
    private static partial void LogAttemptFailed(ILogger logger, string backend, string pool, string outcome, int status);
}
