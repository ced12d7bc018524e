using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.ContentSafety;

/// <summary>
/// <c>POST /contentsafety/text:shieldPrompt?api-version=2024-09-01</c> (or <c>2024-02-15-preview</c>): the key
/// (<c>Ocp-Apim-Subscription-Key</c>, or an Entra bearer token), the latency, the body and Azure's input limits, the
/// armed faults, the rate limit, then a verdict per text from <see cref="AttackMarkers"/>.
/// </summary>
internal sealed class ShieldPromptHandler(SimulatorRuntime runtime)
{
    public const string Route = "/contentsafety/text:shieldPrompt";

    /// <summary>Longest user prompt, in characters (UTF-16 code units).</summary>
    public const int MaxUserPromptChars = 10_000;

    /// <summary>Most documents in one call.</summary>
    public const int MaxDocuments = 5;

    /// <summary>Longest total of the documents of one call, in characters.</summary>
    public const int MaxDocumentChars = 10_000;

    private static readonly string[] ApiVersions = ["2024-09-01", "2024-02-15-preview"];

    public async Task HandleAsync(HttpContext context)
    {
        var state = runtime.ContentSafety;
        state.CountReceived();
        ResponseHeaders.WriteCommon(context, runtime.Options.Region);
        if (!IsAuthorized(context.Request, runtime.Options.ApiKeys))
        {
            state.CountUnauthorized();
            await ContentSafetyErrors.UnauthorizedAsync(context);
            return;
        }

        if (!ApiVersions.Contains((string?)context.Request.Query["api-version"], StringComparer.Ordinal))
        {
            state.CountRejected();
            await ContentSafetyErrors.UnsupportedApiVersionAsync(context);
            return;
        }

        try
        {
            await Latency.WaitAsync(TimeSpan.FromMilliseconds(state.Options.LatencyMs), runtime.Time, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        ShieldPromptRequest request;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var (parsed, problem) = ShieldPromptRequest.Read(body.RootElement);
            if (problem is not null)
            {
                state.CountRejected();
                await ContentSafetyErrors.InvalidBodyAsync(context, problem);
                return;
            }

            request = parsed!;
        }
        catch (JsonException)
        {
            state.CountRejected();
            await ContentSafetyErrors.InvalidBodyAsync(context, "The request body is not valid JSON.");
            return;
        }

        if (state.TryTakeReset())
        {
            state.CountFailed();
            context.Abort();
            return;
        }

        if (state.TryTakeFailure(out var status, out var retryAfterMs))
        {
            state.CountFailed();
            await ContentSafetyErrors.ForStatusAsync(context, status, retryAfterMs);
            return;
        }

        var wait = state.TryAdmit(runtime.NowTicks);
        if (wait > TimeSpan.Zero)
        {
            state.CountThrottled();
            await ContentSafetyErrors.TooManyRequestsAsync(context, wait);
            return;
        }

        await WriteVerdictAsync(context, request, state);
    }

    private static async Task WriteVerdictAsync(HttpContext context, ShieldPromptRequest request, ContentSafetyState state)
    {
        var attacks = 0;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var writer = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            if (request.UserPrompt is { } prompt)
            {
                var attack = AttackMarkers.IsAttack(prompt);
                attacks += attack ? 1 : 0;
                writer.WriteStartObject("userPromptAnalysis"u8);
                writer.WriteBoolean("attackDetected"u8, attack);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("documentsAnalysis"u8);
            foreach (var document in request.Documents)
            {
                var attack = AttackMarkers.IsAttack(document);
                attacks += attack ? 1 : 0;
                writer.WriteStartObject();
                writer.WriteBoolean("attackDetected"u8, attack);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        state.CountSucceeded(request.UserPrompt is null ? 0 : 1, request.Documents.Count, attacks);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>A resource key in <c>Ocp-Apim-Subscription-Key</c>, or a JWT-shaped Entra token (not validated: no tenant to check).</summary>
    private static bool IsAuthorized(HttpRequest request, List<string> apiKeys)
    {
        string? key = request.Headers["Ocp-Apim-Subscription-Key"];
        if (!string.IsNullOrEmpty(key))
        {
            return apiKeys.Count == 0 || apiKeys.Contains(key, StringComparer.Ordinal);
        }

        string? authorization = request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = authorization["Bearer ".Length..].Trim();
        var parts = token.Split('.');
        return parts.Length == 3 && token.StartsWith("eyJ", StringComparison.Ordinal) && parts.All(p => p.Length > 0);
    }
}
