using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Responses;

/// <summary>
/// <c>POST …/responses</c>: validates, counts input (a <c>previous_response_id</c> chain included), passes the same
/// faults and admission as chat, generates the answer, stores it, and answers whole, streamed, or (background) at
/// once with a queued response that moves on with the clock.
/// </summary>
internal sealed class ResponsesResponder(
    SimulatorRuntime runtime,
    AdmissionGate gate,
    AnswerGenerator answers,
    ResponseStreamer streamer,
    ILogger<ResponsesResponder> logger)
{
    // As for chat (reference §6.1, §6.3): a flat admission cost without an output bound, and a guess for PTU.
    private const int FlatCostWithoutMaxTokens = 16;
    private const int ProvisionedGuessWithoutMaxTokens = 256;

    public async Task HandleAsync(SimulatedCall call, JsonElement root)
    {
        var request = ResponsesRequest.Parse(root, out var error);
        if (request is null)
        {
            await FailAsync(call, error);
            return;
        }

        if (ServiceTierRule.Resolve(root, call.Snapshot.Options, out error) is not { } tier)
        {
            await FailAsync(call, error);
            return;
        }

        var maxOutput = call.Snapshot.Model.MaxOutputTokens;
        if (request.MaxOutputTokens is int bound && bound > maxOutput)
        {
            await FailAsync(call, RequestErrors.InvalidValue("max_output_tokens", string.Create(CultureInfo.InvariantCulture,
                $"max_output_tokens is too large: {bound}. This model supports at most {maxOutput} completion tokens, whereas you provided {bound}.")));
            return;
        }

        StoredResponse? previous = null;
        if (request.PreviousResponseId is { } previousId && !runtime.Responses.TryGet(previousId, out previous))
        {
            await FailAsync(call, PreviousNotFound(previousId));
            return;
        }

        var tokenizer = runtime.Tokenizers.Get(call.Snapshot.Model.Encoding);
        var hash = previous is null ? Fnv1a.Offset : Fnv1a.Append(Fnv1a.Offset, previous.Id);
        var items = ResponseInput.Read(request.Input, tokenizer, ref hash, out var itemTokens, out error);
        if (items is null)
        {
            await FailAsync(call, error);
            return;
        }

        var chainBefore = previous?.ChainTokens ?? 0;
        var inputTokens = chainBefore + itemTokens + ResponseInput.ReplyPriming
            + ResponseInput.CountInstructions(request.Instructions, tokenizer, ref hash)
            + PromptTokenCounter.CountTools(root, tokenizer, ref hash, chatShape: false);
        var window = call.Snapshot.Options.ContextWindow;
        if ((long)inputTokens + (request.MaxOutputTokens ?? 0) > window)
        {
            await FailAsync(call, ("Your input exceeds the context window of this model. Please adjust your input and try again.", "input", "context_length_exceeded"));
            return;
        }

        if (!await gate.PassFaultsAsync(call))
        {
            return;
        }

        var standardCost = request.MaxOutputTokens is int max ? inputTokens + (long)max : FlatCostWithoutMaxTokens;
        var provisionedEstimate = inputTokens + (double)(request.MaxOutputTokens ?? ProvisionedGuessWithoutMaxTokens);
        if (!await gate.TryAdmitAsync(call, standardCost, provisionedEstimate))
        {
            return;
        }

        var spec = new AnswerSpec(request.MaxOutputTokens, null, request.Tools.Forced, request.Format, request.IncludeLogprobs ? request.TopLogprobs : null);
        var output = answers.Generate(call.Snapshot.Model.Encoding, hash, spec);
        var response = Create(call, request, items, output, inputTokens, chainBefore + itemTokens + output.TokenCount, tier);
        if (request.Store)
        {
            runtime.Responses.Add(response);
        }

        if (request.Background)
        {
            response.ArmFinish(runtime.Time, runtime.NowTicks);
            if (request.Stream)
            {
                // The connection is only a view of the background work: a cut or a disconnect leaves it running.
                try
                {
                    await streamer.StreamAsync(call.Context, response, -1, CutPlan(call));
                }
                catch (SimulatedStreamCutException)
                {
                    SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
                    throw;
                }
            }
            else
            {
                await WriteObjectAsync(call.Context, response, ResponseView.Queued);
            }

            return;
        }

        try
        {
            if (request.Stream)
            {
                if (await streamer.StreamAsync(call.Context, response, -1, CutPlan(call)))
                {
                    response.Finish();
                }
            }
            else
            {
                var delay = response.CompleteAt - runtime.NowTicks;
                if (delay > 0)
                {
                    await Task.Delay(TimeSpan.FromTicks(delay), runtime.Time, call.Aborted);
                }

                await WriteObjectAsync(call.Context, response, response.FinalView);
                response.Finish();
            }
        }
        catch (SimulatedStreamCutException)
        {
            SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
            response.Abandon(runtime.NowTicks);
            throw;
        }
        catch (OperationCanceledException) when (call.Aborted.IsCancellationRequested)
        {
            // Dropping the connection cancels a synchronous response (reference part 2, §A.1).
            response.Abandon(runtime.NowTicks);
            throw;
        }
    }

    public static (string Message, string? Param, string? Code) PreviousNotFound(string id) =>
        ($"Previous response with id '{id}' not found.", "previous_response_id", "previous_response_not_found");

    public static async Task WriteObjectAsync(HttpContext context, StoredResponse response, ResponseView view)
    {
        var http = context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        var w = JsonWriterCache.Rent(http.BodyWriter);
        try
        {
            ResponseJson.WriteResponse(w, response, view);
            w.Flush();
        }
        finally
        {
            JsonWriterCache.Return(w);
        }

        await http.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private StoredResponse Create(SimulatedCall call, ResponsesRequest request, List<InputItem> items, GeneratedChoice output, int inputTokens, int chainTokens, string tier)
    {
        // The whole timeline is drawn now, so every later view (poll, stream, resume) reads the same schedule.
        var latency = call.Snapshot.Options.Latency;
        var now = runtime.NowTicks;
        var inProgressAt = now + (request.Background ? Delay(latency.BackgroundQueueMs, latency.JitterRatio) : 0);
        var firstOutputAt = inProgressAt + Delay(latency.TimeToFirstTokenMs, latency.JitterRatio);
        var due = new long[output.PieceCount];
        var at = firstOutputAt;
        for (var i = 0; i < due.Length; i++)
        {
            at += Delay(latency.PerTokenMs, latency.JitterRatio);
            due[i] = at;
        }

        var deployment = call.Deployment;
        var snapshot = call.Snapshot;
        var estimate = call.AdmittedEstimate;
        return new StoredResponse(
            ResponseIds.NewResponseId(), now, snapshot.Options.Model, request.Background, request.Store, request.Settings, items, output,
            request.IncludeLogprobs, inputTokens, chainTokens, inProgressAt, firstOutputAt, due,
            (outputTokens, succeeded) => gate.Settle(deployment, snapshot, estimate, inputTokens, outputTokens, succeeded))
        {
            ServiceTier = tier,
        };
    }

    private long Delay(double milliseconds, double jitter) => Latency.Of(milliseconds, jitter, runtime.Random).Ticks;

    private int? CutPlan(SimulatedCall call) =>
        call.Deployment.TryConsumeStreamCut() || runtime.Random.Chance(call.Snapshot.Options.Faults.MidStreamCutRate)
            ? call.Snapshot.Options.Faults.MidStreamCutAfterChunks
            : null;

    private static Task FailAsync(SimulatedCall call, (string Message, string? Param, string? Code) error)
    {
        call.Deployment.RecordFailed();
        return AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
    }
}
