using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Media;
using Tokengate.Operations;
using Tokengate.OpenAI;
using Tokengate.Priority;
using Tokengate.Proxy;
using Tokengate.Tokens;

namespace Tokengate.Limits;

/// <summary>
/// Step 6: applies the max-tokens policy, checks the context window, the budgets and the rate limits, and reserves
/// the request's estimate (prompt + output bound × n) in the consumer's and group's counters. The body is rewritten
/// only to clamp the output bound or to ask upstream for stream usage the consumer did not ask for. The result is the
/// refusal to answer with, or null when the request is admitted (its <see cref="AdmissionState"/> then set).
/// </summary>
/// <remarks>
/// A class that may wait (<see cref="Priority.PriorityClass.MaxWait"/>) gets its wait budget here
/// (<see cref="GatewayRequestFeature.WaitUntil"/>); when its consumer's own rate limit refuses it, it waits in the
/// <see cref="WaitQueue"/> for the window, holding no reservation, and reserves again each time it is woken.
/// </remarks>
internal sealed class AdmissionStep(TokenCounter counter, ILimitStore limits, IBudgetStore budgets, TimeProvider time, WaitQueue? queue = null)
{
    private static ReadOnlySpan<byte> IncludeUsageMember => "\"stream_options\":{\"include_usage\":true},"u8;

    public async ValueTask<GatewayError?> AdmitAsync(GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var operation = feature.Route.Operation;
        var (priority, badPriority) = feature.Snapshot.Priorities.Resolve(feature.Consumer!, feature.Request.Headers[feature.Snapshot.Priorities.Header]);
        if (badPriority is not null) return badPriority;
        feature.Priority = priority;
        if (priority.MaxWait > TimeSpan.Zero && queue is not null)
        {
            var (maxWait, badWait) = feature.Snapshot.Priorities.MaxWait(priority, feature.Request.Headers[feature.Snapshot.Priorities.MaxWaitHeader]);
            if (badWait is not null) return badWait;
            feature.WaitUntil = maxWait > TimeSpan.Zero ? time.GetUtcNow() + maxWait : null;
        }
        // Lifecycle calls and counts generate nothing: no tokens to reserve or budget to hold.
        if (!operation.Metered) return null;
        var options = feature.Snapshot.Options;
        var consumer = feature.Consumer!;
        var pool = feature.Pool!;
        var generates = operation.Generates;
        var model = pool.Backends[0].Model;
        var profile = ModelProfile.For(model);
        var edits = new List<BodyEdit>(2);

        // The output bound, after the max-tokens policy.
        var maxOutput = 0;
        string? rewriteField = null;
        // Whether the bound holds upstream (named by the request, clamped, or inserted), not only assumed for the estimate.
        var bounded = false;
        if (generates)
        {
            var policy = MaxTokensPolicy.Resolve(options.Limits, consumer, pool.Deployment.Name);
            var (requested, field) = feature.Parsed.RequestedMaxOutput(operation.OutputBoundFields);
            if (requested is null)
            {
                maxOutput = policy.Default ?? policy.Cap ?? options.Tokens.DefaultMaxOutputTokens;
                if (policy.Cap is not null && feature.Parsed.PromptLength > 0)
                    rewriteField = InsertedBoundField(operation.OutputBoundFields, profile);
            }
            else if (policy.Cap is { } cap && requested > cap)
            {
                if (policy.OverCap == MaxTokensAction.Reject)
                {
                    return LimitErrors.MaxTokensAboveCap(field!, requested.Value, cap);
                }
                maxOutput = cap;
                ClampExisting(feature.Parsed, cap, edits);
            }
            else if (MaxOutputOf(model, profile, options.Tokens) is { } most && requested > most)
            {
                // What the service would answer; checked here so the request never reaches (or fails on) a backend.
                return LimitErrors.MaxTokensTooLarge(field!, requested.Value, most);
            }
            else
            {
                maxOutput = requested.Value;
            }
            bounded = requested is not null || rewriteField is not null;
            if (rewriteField is not null)
                edits.Add(new BodyEdit(feature.Parsed.InsertAt, 0, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\"{rewriteField}\":{maxOutput},"))));
        }

        // Images and audio: what the model may produce, and the audio it is sent, in tokens and billed units.
        var media = operation.Usage == UsageShape.Media ? MediaRequests.Estimate(feature) : default;
        if (!generates) maxOutput = (int)Math.Min(int.MaxValue, media.OutputTokens);
        var admission = new AdmissionState(profile, counter.Estimate(feature, profile, options.Tokens), maxOutput, generates ? Math.Max(1, feature.Parsed.N) : 1)
        {
            ContinuedTokens = feature.ContinuedChainTokens + media.InputTokens,
            OutputBounded = bounded,
        };

        // The context window: an estimate over it is checked exactly, counting only as far as the window.
        var window = options.Tokens.ContextWindows.TryGetValue(model ?? "", out var configured) ? configured : profile.ContextWindow;
        if (generates && window is { } w && (long)admission.Prompt.Tokens + maxOutput > w)
        {
            var room = Math.Max(0, w - maxOutput);
            var exact = admission.Prompt.Exact ? admission.Prompt.Tokens : counter.Count(feature, profile, stopAbove: room);
            if (exact > room)
            {
                var full = admission.Prompt.Exact ? exact : counter.Count(feature, profile);
                return LimitErrors.ContextLengthExceeded(w, full, feature.Parsed.RequestedMaxOutput(operation.OutputBoundFields).Value is null ? 0 : maxOutput);
            }
            admission.Prompt = new PromptEstimate(exact, Exact: true);
        }

        // Budgets, then the rate limits (a budget that throttles adds its own scope).
        var price = PriceTable.For(pool.Name, model, options.Accounting);
        var estimate = new UsageCounts(admission.Prompt.Tokens + admission.ContinuedTokens, 0, (long)maxOutput * admission.Choices, UsageSource.None) { Media = media.Units };
        admission.Budget = await budgets.AdmitAsync(consumer, options.Budgets, price.Cost(estimate), admission.EstimatedTokens, cancellationToken).ConfigureAwait(false);
        if (admission.Budget.Blocking is { } spent)
        {
            var resets = admission.Budget.ResetsAt;
            return LimitErrors.BudgetExhausted(spent.Label, resets, resets - time.GetUtcNow());
        }

        var scopes = LimitScopes.For(consumer, options.Limits, admission.Budget.Throttling);
        if (scopes.Count > 0)
        {
            LimitDecision decision;
            try
            {
                decision = await ReserveAsync(feature, admission, scopes, pool.Name, priority, consumer.Name, profile, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The budget hold is released here: settling cannot, since the request has no admission yet.
                await budgets.SettleAsync(admission.Budget, 0, 0, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            if (!decision.Admitted)
            {
                await budgets.SettleAsync(admission.Budget, 0, 0, CancellationToken.None).ConfigureAwait(false);
                return LimitErrors.RateLimited(decision);
            }
            admission.Reservation = decision.Reservation;
            admission.RemainingTokens = decision.RemainingTokens;
            admission.RemainingRequests = decision.RemainingRequests;
        }
        feature.Admission = admission;

        if (feature.Parsed.Stream && !feature.Parsed.IncludeUsage && operation.AsksForStreamUsage)
        {
            admission.StripUsageChunk = true;
            AskForStreamUsage(feature.Body.Span, feature.Parsed, edits);
        }
        if (edits.Count > 0)
        {
            var parsed = feature.Parsed;
            var (rented, length) = BodyRewriter.Apply(feature.Body.Span, edits, ref parsed);
            feature.SetBody(rented, length);
            feature.Parsed = parsed;
        }

        return null;
    }

    /// <summary>
    /// Reserves the estimate in the consumer's and group's counters: counted exactly before a TPM refusal, and, for a
    /// class that may wait, waiting for its window (holding no reservation meanwhile; one wait per request).
    /// </summary>
    private async ValueTask<LimitDecision> ReserveAsync(GatewayRequestFeature feature, AdmissionState admission, IReadOnlyList<LimitScope> scopes,
        string pool, Priority.PriorityClass priority, string consumer, ModelProfile profile, CancellationToken cancellationToken)
    {
        var decision = await limits.TryReserveAsync(scopes, admission.EstimatedTokens, cancellationToken).ConfigureAwait(false);
        if (!decision.Admitted && !admission.Prompt.Exact && decision.RefusedKind == LimitKind.TokensPerMinute)
        {
            // The size-based estimate is high on purpose; before refusing, count exactly.
            admission.Prompt = new PromptEstimate(counter.Count(feature, profile), Exact: true);
            decision = await limits.TryReserveAsync(scopes, admission.EstimatedTokens, cancellationToken).ConfigureAwait(false);
        }
        if (!decision.Admitted && decision.RetryAfter is not null && feature.WaitUntil is { } until)
        {
            decision = await WaitForWindowAsync(admission, scopes, pool, priority, consumer, until, decision, cancellationToken).ConfigureAwait(false);
            feature.WaitUntil = null;  // one wait per request
        }
        return decision;
    }

    /// <summary>
    /// Its own window is full: waits for it, holding no reservation (the budget hold stays until the answer). A method
    /// of its own, so the callback's captured state is allocated only by requests that wait.
    /// </summary>
    private async Task<LimitDecision> WaitForWindowAsync(AdmissionState admission, IReadOnlyList<LimitScope> scopes,
        string pool, Priority.PriorityClass priority, string consumer, DateTimeOffset until, LimitDecision refused, CancellationToken cancellationToken)
    {
        LimitDecision? granted = null;
        await queue!.WaitAsync(pool, priority, consumer, until, async () =>
        {
            var retried = await limits.TryReserveAsync(scopes, admission.EstimatedTokens, CancellationToken.None).ConfigureAwait(false);
            if (retried.Admitted) granted = retried;
            else refused = retried;
            return retried.Admitted;
        }, cancellationToken).ConfigureAwait(false);
        return granted ?? refused;
    }

    private static int? MaxOutputOf(string? model, ModelProfile profile, TokensOptions tokens) =>
        tokens.MaxOutputTokens.TryGetValue(model ?? "", out var configured) ? configured : profile.MaxOutputTokens;

    private static void ClampExisting(in ParsedRequest parsed, int cap, List<BodyEdit> edits)
    {
        var value = Encoding.UTF8.GetBytes(cap.ToString(CultureInfo.InvariantCulture));
        if (parsed.MaxTokens > cap) edits.Add(new BodyEdit(parsed.MaxTokensStart, parsed.MaxTokensLength, value));
        if (parsed.MaxCompletionTokens > cap) edits.Add(new BodyEdit(parsed.MaxCompletionTokensStart, parsed.MaxCompletionTokensLength, value));
        if (parsed.MaxOutputTokens > cap) edits.Add(new BodyEdit(parsed.MaxOutputTokensStart, parsed.MaxOutputTokensLength, value));
    }

    /// <summary>
    /// The bound field a policy writes when the request named none: the operation's newest field (listed first) for
    /// models that reject the older one (o-series, gpt-5), else its oldest, which every model of that API accepts.
    /// </summary>
    private static string InsertedBoundField(IReadOnlyList<string> fields, ModelProfile profile) =>
        profile.UsesMaxCompletionTokens ? fields[0] : fields[^1];

    /// <summary><c>stream_options.include_usage: true</c>, keeping any other stream option the consumer sent.</summary>
    private static void AskForStreamUsage(ReadOnlySpan<byte> body, in ParsedRequest parsed, List<BodyEdit> edits)
    {
        if (parsed.IncludeUsageLength > 0)
        {
            edits.Add(new BodyEdit(parsed.IncludeUsageStart, parsed.IncludeUsageLength, "true"u8.ToArray()));
        }
        else if (parsed.StreamOptionsLength > 0 && body[parsed.StreamOptionsStart] == (byte)'{')
        {
            var isEmpty = body.Slice(parsed.StreamOptionsStart + 1, parsed.StreamOptionsLength - 1).TrimStart(" \t\r\n"u8)[0] == (byte)'}';
            edits.Add(new BodyEdit(parsed.StreamOptionsStart + 1, 0, isEmpty ? "\"include_usage\":true"u8.ToArray() : "\"include_usage\":true,"u8.ToArray()));
        }
        else if (parsed.StreamOptionsLength > 0)
        {
            edits.Add(new BodyEdit(parsed.StreamOptionsStart, parsed.StreamOptionsLength, "{\"include_usage\":true}"u8.ToArray()));
        }
        else
        {
            edits.Add(new BodyEdit(parsed.InsertAt, 0, IncludeUsageMember.ToArray()));
        }
    }
}
