using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Simulator.Batches;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.FineTuning;

/// <summary>
/// The resource-level routes of files, uploads, fine-tuning jobs and batches, on <c>/openai/…?api-version=</c> (a dated version
/// required) and <c>/openai/v1/…</c>. Each passes the credential and api-version checks, then the resource's armed
/// faults, then its handler.
/// </summary>
internal static class ResourceRoutes
{
    public static void Map(IEndpointRouteBuilder openai, IServiceProvider services)
    {
        var handler = services.GetRequiredService<SimulatorRequestHandler>();
        var faults = services.GetRequiredService<SimulatorRuntime>().ResourceFaults;
        var files = services.GetRequiredService<FilesHandler>();
        var uploads = services.GetRequiredService<UploadsHandler>();
        var jobs = services.GetRequiredService<FineTuningHandler>();
        var batches = services.GetRequiredService<BatchesHandler>();
        foreach (var (prefix, rule) in new[] { ("/v1", ApiVersionRule.V1), (string.Empty, ApiVersionRule.Dated) })
        {
            RequestDelegate Guard(Func<HttpContext, Task> handle) => c => handler.ResourceAsync(c, rule, async context =>
            {
                if (await faults.PassAsync(context))
                {
                    await handle(context);
                }
            });

            openai.MapPost(prefix + "/files", Guard(files.CreateAsync));
            openai.MapPost(prefix + "/files/import", Guard(files.ImportAsync));
            openai.MapGet(prefix + "/files", Guard(files.ListAsync));
            openai.MapGet(prefix + "/files/{id}", Guard(files.GetAsync));
            openai.MapGet(prefix + "/files/{id}/content", Guard(files.ContentAsync));
            openai.MapDelete(prefix + "/files/{id}", Guard(files.DeleteAsync));

            openai.MapPost(prefix + "/uploads", Guard(uploads.CreateAsync));
            openai.MapPost(prefix + "/uploads/{id}/parts", Guard(uploads.AddPartAsync));
            openai.MapPost(prefix + "/uploads/{id}/complete", Guard(uploads.CompleteAsync));
            openai.MapPost(prefix + "/uploads/{id}/cancel", Guard(uploads.CancelAsync));

            openai.MapPost(prefix + "/fine_tuning/jobs", Guard(jobs.CreateAsync));
            openai.MapGet(prefix + "/fine_tuning/jobs", Guard(jobs.ListAsync));
            openai.MapGet(prefix + "/fine_tuning/jobs/{id}", Guard(jobs.GetAsync));
            openai.MapGet(prefix + "/fine_tuning/jobs/{id}/events", Guard(jobs.EventsAsync));
            openai.MapGet(prefix + "/fine_tuning/jobs/{id}/checkpoints", Guard(jobs.CheckpointsAsync));
            openai.MapPost(prefix + "/fine_tuning/jobs/{id}/cancel", Guard(jobs.CancelAsync));
            openai.MapPost(prefix + "/fine_tuning/jobs/{id}/pause", Guard(jobs.PauseAsync));
            openai.MapPost(prefix + "/fine_tuning/jobs/{id}/resume", Guard(jobs.ResumeAsync));

            openai.MapPost(prefix + "/batches", Guard(batches.CreateAsync));
            openai.MapGet(prefix + "/batches", Guard(batches.ListAsync));
            openai.MapGet(prefix + "/batches/{id}", Guard(batches.GetAsync));
            openai.MapPost(prefix + "/batches/{id}/cancel", Guard(batches.CancelAsync));
        }
    }

    /// <summary>
    /// <c>/_simulator/resource</c> (GET counts and armed faults, PATCH to arm faults, POST <c>/reset</c> to clear them)
    /// <c>POST /_simulator/fine_tuning/jobs/{id}/advance|complete</c> and <c>POST /_simulator/batches/{id}/advance|complete</c>.
    /// </summary>
    public static void MapControl(IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        var control = services.GetRequiredService<ResourceControlHandler>();
        endpoints.MapGet("/_simulator/resource", control.GetAsync);
        endpoints.MapPatch("/_simulator/resource", control.PatchAsync);
        endpoints.MapPost("/_simulator/resource/reset", control.ResetAsync);
        endpoints.MapPost("/_simulator/fine_tuning/jobs/{id}/advance", c => control.AdvanceAsync(c, toEnd: false));
        endpoints.MapPost("/_simulator/fine_tuning/jobs/{id}/complete", c => control.AdvanceAsync(c, toEnd: true));
        endpoints.MapPost("/_simulator/batches/{id}/advance", c => control.AdvanceBatchAsync(c, toEnd: false));
        endpoints.MapPost("/_simulator/batches/{id}/complete", c => control.AdvanceBatchAsync(c, toEnd: true));
    }
}
