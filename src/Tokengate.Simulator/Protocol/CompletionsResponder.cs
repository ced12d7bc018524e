using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Protocol;

/// <summary>Chat completions and legacy completions, whole or streamed.</summary>
internal sealed class CompletionsResponder(SimulatorRuntime runtime, AdmissionGate gate, AnswerGenerator answers, ILogger<CompletionsResponder> logger)
{
    // What the live service charged a Standard deployment per call when max_tokens was absent (reference §6.1).
    private const int FlatCostWithoutMaxTokens = 16;

    // Provisioned admission has to guess an output size when max_tokens is absent (reference §6.3).
    private const int ProvisionedGuessWithoutMaxTokens = 256;

    // Spreads the seeds of several choices for one prompt.
    private const ulong ChoiceSeedStep = 0x9E3779B97F4A7C15UL;

    public async Task HandleAsync(SimulatedCall call, JsonElement root)
    {
        var chat = call.Operation == SimulatedOperation.ChatCompletions;
        var request = CompletionRequest.Parse(root, chat, out var error);
        if (request is null)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
            return;
        }

        string? tier = null;
        if (chat && (tier = ServiceTierRule.Resolve(root, call.Snapshot.Options, out error)) is null)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
            return;
        }

        // The service checks the bound against the model's output limit before it counts a single prompt token.
        if (OutputLimitError(request, call.Snapshot.Model.MaxOutputTokens) is { } outputError)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, outputError, request.MaxTokensParam, "invalid_value");
            return;
        }

        var tokenizer = runtime.Tokenizers.Get(call.Snapshot.Model.Encoding);
        var promptTokens = 0;
        ulong[] seeds;
        if (chat)
        {
            var hash = Fnv1a.Offset;
            promptTokens = PromptTokenCounter.CountMessages(request.Messages, tokenizer, ref hash)
                + PromptTokenCounter.CountTools(root, tokenizer, ref hash, chatShape: true);
            seeds = [hash];
        }
        else
        {
            seeds = new ulong[request.Prompts!.Count];
            for (var i = 0; i < seeds.Length; i++)
            {
                var prompt = request.Prompts[i];
                seeds[i] = Fnv1a.Append(Fnv1a.Offset, prompt);
                promptTokens += prompt.Length == 0 ? 0 : tokenizer.CountTokens(prompt);
            }
        }

        if (ContextLengthError(chat, promptTokens, request.MaxTokens, call.Snapshot.Options.ContextWindow) is { } contextError)
        {
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, contextError, chat ? "messages" : "prompt", "context_length_exceeded");
            return;
        }

        // Azure's prompt filter runs before the model: a jailbreak is annotated, or refused where the filter blocks.
        var jailbreak = chat && PromptFilterMarkers.JailbreakInUserMessages(request.Messages);
        if (jailbreak && call.Snapshot.Options.BlockJailbreaks)
        {
            call.Deployment.RecordFailed();
            await ContentFilterJson.WriteJailbreakRefusalAsync(call.Context);
            return;
        }

        if (!await gate.PassFaultsAsync(call))
        {
            return;
        }

        // In long: the bounds are checked, but n × max_tokens of a large context window still passes int.
        var standardCost = request.MaxTokens is int max ? promptTokens + ((long)max * request.N) : FlatCostWithoutMaxTokens;
        var provisionedEstimate = promptTokens + ((double)(request.MaxTokens ?? ProvisionedGuessWithoutMaxTokens) * request.N);
        if (!await gate.TryAdmitAsync(call, standardCost, provisionedEstimate))
        {
            return;
        }

        var result = Generate(call, request, seeds, promptTokens, chat) with { ServiceTier = tier, JailbreakDetected = jailbreak };
        if (request.Stream)
        {
            await StreamAsync(call, request, result);
        }
        else
        {
            await WriteWholeAsync(call, result);
        }
    }

    private CompletionResult Generate(SimulatedCall call, CompletionRequest request, ulong[] seeds, int promptTokens, bool chat)
    {
        var spec = new AnswerSpec(request.MaxTokens, request.Stop, request.Tools.Forced, request.Format, request.LogprobEntries);
        var choices = new GeneratedChoice[seeds.Length * request.N];
        var completionTokens = 0;
        for (var p = 0; p < seeds.Length; p++)
        {
            for (var i = 0; i < request.N; i++)
            {
                var choice = answers.Generate(call.Snapshot.Model.Encoding, seeds[p] + ((ulong)i * ChoiceSeedStep), spec);
                choices[(p * request.N) + i] = choice;
                completionTokens += choice.TokenCount;
            }
        }

        var id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        return new CompletionResult(chat, id, runtime.Time.GetUtcNow().ToUnixTimeSeconds(), call.Snapshot.Options.Model,
            call.Snapshot.Model.Fingerprint, seeds.Length, choices, promptTokens, completionTokens);
    }

    private async Task WriteWholeAsync(SimulatedCall call, CompletionResult result)
    {
        var latency = call.Snapshot.Options.Latency;
        await gate.DelayAsync(latency.TimeToFirstTokenMs + (latency.PerTokenMs * result.LongestChoice), call);

        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var writer = JsonWriterCache.Rent(response.BodyWriter);
        try
        {
            CompletionJson.WriteResponse(writer, result);
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        await response.BodyWriter.FlushAsync(call.Aborted);
        gate.Settle(call, result.PromptTokens, result.CompletionTokens, succeeded: true);
    }

    private async Task StreamAsync(SimulatedCall call, CompletionRequest request, CompletionResult result)
    {
        var options = call.Snapshot.Options;
        var faults = options.Faults;
        var cut = call.Deployment.TryConsumeStreamCut() || runtime.Random.Chance(faults.MidStreamCutRate);
        var usage = request.IncludeUsage;

        await gate.DelayAsync(options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        var pipe = response.BodyWriter;
        var ct = call.Aborted;

        if (runtime.Options.PromptFilterChunk)
        {
            var w = ServerSentEvents.BeginEvent(pipe);
            CompletionJson.WritePromptFilterChunk(w, result);
            ServerSentEvents.EndEvent(pipe, w);
            await pipe.FlushAsync(ct);
        }

        if (result.Chat)
        {
            for (var i = 0; i < result.Choices.Length; i++)
            {
                var w = ServerSentEvents.BeginEvent(pipe);
                CompletionJson.WriteRoleChunk(w, result, i, usage);
                ServerSentEvents.EndEvent(pipe, w);
                await pipe.FlushAsync(ct);
            }
        }

        // Choices interleave one piece at a time, as the service does for n > 1.
        var delivered = 0;
        var longest = result.LongestChoice;
        for (var step = 0; step < longest; step++)
        {
            for (var i = 0; i < result.Choices.Length; i++)
            {
                if (step >= result.Choices[i].PieceCount)
                {
                    continue;
                }

                if (cut && delivered >= faults.MidStreamCutAfterChunks)
                {
                    CutStream(call, result, delivered);
                    return;
                }

                await gate.DelayAsync(options.Latency.PerTokenMs, call);
                var w = ServerSentEvents.BeginEvent(pipe);
                CompletionJson.WriteContentChunk(w, result, i, step, usage);
                ServerSentEvents.EndEvent(pipe, w);
                await pipe.FlushAsync(ct);
                delivered++;
            }
        }

        if (cut)
        {
            CutStream(call, result, delivered);
            return;
        }

        for (var i = 0; i < result.Choices.Length; i++)
        {
            var w = ServerSentEvents.BeginEvent(pipe);
            CompletionJson.WriteFinishChunk(w, result, i, usage);
            ServerSentEvents.EndEvent(pipe, w);
        }

        if (usage)
        {
            var w = ServerSentEvents.BeginEvent(pipe);
            CompletionJson.WriteUsageChunk(w, result);
            ServerSentEvents.EndEvent(pipe, w);
        }

        ServerSentEvents.WriteDone(pipe);
        await pipe.FlushAsync(ct);
        gate.Settle(call, result.PromptTokens, result.CompletionTokens, succeeded: true);
    }

    private void CutStream(SimulatedCall call, CompletionResult result, int delivered)
    {
        SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
        gate.Settle(call, result.PromptTokens, delivered, succeeded: false);
        throw new SimulatedStreamCutException();
    }

    /// <summary>The service's text for a bound above the model's output limit (protocol reference §5.2, <c>invalid_value</c>).</summary>
    internal static string? OutputLimitError(CompletionRequest request, int? maxOutputTokens) =>
        request.MaxTokens is int max && max > maxOutputTokens
            ? string.Create(CultureInfo.InvariantCulture,
                $"{request.MaxTokensParam} is too large: {max}. This model supports at most {maxOutputTokens} completion tokens, whereas you provided {max}.")
            : null;

    /// <summary>The model's own wording for an over-long request (reference §5.2), with or without a completion budget.</summary>
    internal static string? ContextLengthError(bool chat, int promptTokens, int? maxTokens, int contextWindow)
    {
        var ctx = CultureInfo.InvariantCulture;
        // In long: a max_tokens near int.MaxValue must not wrap around and slip under the window.
        if (maxTokens is int max && (long)promptTokens + max > contextWindow)
        {
            var requested = (long)promptTokens + max;
            return chat
                ? string.Create(ctx, $"This model's maximum context length is {contextWindow} tokens. However, you requested {requested} tokens ({promptTokens} in the messages, {max} in the completion). Please reduce the length of the messages or completion.")
                : string.Create(ctx, $"This model's maximum context length is {contextWindow} tokens, however you requested {requested} tokens ({promptTokens} in your prompt; {max} for the completion). Please reduce your prompt; or completion length.");
        }

        if (promptTokens > contextWindow)
        {
            return chat
                ? string.Create(ctx, $"This model's maximum context length is {contextWindow} tokens. However, your messages resulted in {promptTokens} tokens. Please reduce the length of the messages.")
                : string.Create(ctx, $"This model's maximum context length is {contextWindow} tokens, however you requested {promptTokens} tokens ({promptTokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.");
        }

        return null;
    }
}
