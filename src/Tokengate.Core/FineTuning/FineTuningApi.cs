using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Authorization;
using Tokengate.Files;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.FineTuning;

/// <summary>
/// The fine-tuning jobs API, answered by the gateway on the resource routes (<c>/openai/fine_tuning/jobs?api-version=</c>,
/// <c>/openai/v1/fine_tuning/jobs</c>, <c>/v1/fine_tuning/jobs</c>): create places the consumer's files on a backend of the
/// pool named in <c>model</c> and creates the job there; every other call reaches the job's own backend, for its owner
/// only (anyone else's job id answers 404 as if it did not exist); the list is answered from the registry.
/// </summary>
internal static class FineTuningApi
{
    /// <summary>Largest create request read (the request holds ids and settings, not data).</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public static async Task CreateJobAsync(HttpContext context)
    {
        var caller = Caller(context);
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (await ReadBodyAsync(context) is not { } bytes)
        {
            await GatewayError.BodyTooLarge(MaxBodyBytes).WriteAsync(context);
            return;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            await GatewayError.InvalidBody("The request body is not valid JSON.").WriteAsync(context);
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            var (request, invalid) = FineTuningBodies.ReadCreate(root);
            if (invalid is not null)
            {
                await invalid.WriteAsync(context);
                return;
            }
            if (!feature.Snapshot.TryGetPool(request!.Model, out var pool))
            {
                await GatewayError.DeploymentNotFound.WriteAsync(context);
                return;
            }
            if (!feature.Snapshot.Access.Allows(caller, pool, ScopeOperations.FineTuning))
            {
                await Denied(caller, pool.Name).WriteAsync(context);
                return;
            }
            var catalog = context.RequestServices.GetRequiredService<FileCatalog>();
            var training = await catalog.FindFileAsync(request.TrainingFile, caller.Name, context.RequestAborted);
            if (FileRefusal(training, request.TrainingFile, "training_file") is { } badTraining)
            {
                await badTraining.WriteAsync(context);
                return;
            }
            StoredFile? validation = null;
            if (request.ValidationFile is { } validationId)
            {
                validation = await catalog.FindFileAsync(validationId, caller.Name, context.RequestAborted);
                if (FileRefusal(validation, validationId, "validation_file") is { } badValidation)
                {
                    await badValidation.WriteAsync(context);
                    return;
                }
            }
            var service = context.RequestServices.GetRequiredService<FineTuningService>();
            var answer = await service.CreateAsync(feature, caller, pool, root, request, training!, validation, feature.Snapshot.Forwarding, context.RequestAborted);
            // The job is created on the backend's classic route, which answers 201; the v1 and OpenAI routes answer 200
            // (OpenAI's clients take only that as success).
            if (answer.Status == 201 && feature.Route.Family != RouteFamily.AzureClassic) answer = answer with { Status = 200 };
            await WriteAsync(context, answer);
        }
    }

    public static async Task ListJobsAsync(HttpContext context)
    {
        var caller = Caller(context);
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, 100) : 20;
        var after = string.IsNullOrEmpty(query["after"]) ? null : query["after"].ToString();
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var (jobs, more) = await context.RequestServices.GetRequiredService<FineTuningService>().ListAsync(caller, feature.Snapshot, after, limit, context.RequestAborted);
        await WriteAsync(context, new FineTuningService.Answer(200, FineTuningBodies.JobList(jobs, more), null));
    }

    public static Task GetJobAsync(HttpContext context) => CallAsync(context, HttpMethod.Get, null);

    public static Task ListEventsAsync(HttpContext context) => CallAsync(context, HttpMethod.Get, "events");

    public static Task ListCheckpointsAsync(HttpContext context) => CallAsync(context, HttpMethod.Get, "checkpoints");

    public static Task CancelJobAsync(HttpContext context) => CallAsync(context, HttpMethod.Post, "cancel");

    public static Task PauseJobAsync(HttpContext context) => CallAsync(context, HttpMethod.Post, "pause");

    public static Task ResumeJobAsync(HttpContext context) => CallAsync(context, HttpMethod.Post, "resume");

    private static async Task CallAsync(HttpContext context, HttpMethod method, string? action)
    {
        var caller = Caller(context);
        var id = context.Request.RouteValues["id"] as string ?? "";
        var job = await context.RequestServices.GetRequiredService<FineTuningCatalog>().FindAsync(id, caller.Name, context.RequestAborted);
        if (job is null)
        {
            await JobNotFound(id).WriteAsync(context);
            return;
        }
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var answer = await context.RequestServices.GetRequiredService<FineTuningService>()
            .CallAsync(job, feature.Snapshot, method, action, ForwardedQuery(context.Request.Query), context.RequestAborted);
        await WriteAsync(context, answer);
    }

    /// <summary>The caller: step 4 has checked its role, its <c>fine-tuning</c> scope and a classic route's <c>api-version</c>.</summary>
    private static Consumer Caller(HttpContext context) => context.Features.GetRequiredFeature<GatewayRequestFeature>().Consumer!;

    /// <summary>Why a job cannot use a file: not the consumer's (404, as if it did not exist) or not for fine-tuning (400); null when it can.</summary>
    private static GatewayError? FileRefusal(StoredFile? file, string id, string param) =>
        file is null ? new GatewayError(404, "not_found", $"No such File object: {id}", "invalid_request_error", param)
        : file.Purpose != FilePurposes.FineTune ? GatewayError.InvalidBody($"The file {id} has purpose '{file.Purpose}'; a fine-tuning job needs a file with purpose '{FilePurposes.FineTune}'.", param)
        : null;

    private static GatewayError JobNotFound(string id) =>
        new(404, "not_found", $"No fine-tuning job with the id '{id}' was found.", "invalid_request_error", "fine_tuning_job_id");

    private static GatewayError Denied(Consumer consumer, string pool) =>
        new(403, "PermissionDenied", $"The consumer '{consumer.Name}' may not use fine-tuning on deployment '{pool}' (operation fine-tuning).");

    /// <summary>The consumer's query (<c>after</c>, <c>limit</c>) without the <c>api-version</c> of the route it used (the backend's own is sent).</summary>
    private static string? ForwardedQuery(IQueryCollection query)
    {
        if (query.Count == 0) return null;
        var kept = query.Where(p => !p.Key.Equals("api-version", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? "")));
        var built = new QueryBuilder(kept).ToQueryString().Value;
        return string.IsNullOrEmpty(built) ? null : built;
    }

    /// <summary>The request body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static async Task WriteAsync(HttpContext context, FineTuningService.Answer answer)
    {
        if (answer.Error is { } error)
        {
            await error.WriteAsync(context);
            return;
        }
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        var body = answer.Body ?? [];
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
