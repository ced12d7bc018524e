using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.FineTuning;

/// <summary>The control calls of the resource-level state: counts and faults, and moving a fine-tuning job on now.</summary>
internal sealed class ResourceControlHandler(SimulatorRuntime runtime)
{
    public Task GetAsync(HttpContext context) => WriteAsync(context, Stats(runtime));

    public async Task PatchAsync(HttpContext context)
    {
        SimulatedResourceFaults? faults;
        try
        {
            faults = await JsonSerializer.DeserializeAsync<SimulatedResourceFaults>(context.Request.Body, SimulatorJson.Strict, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await AzureErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", exception.Message);
            return;
        }

        if (faults is not null)
        {
            Apply(runtime, faults);
        }

        await WriteAsync(context, Stats(runtime));
    }

    public Task ResetAsync(HttpContext context)
    {
        runtime.ResourceFaults.Clear();
        return WriteAsync(context, Stats(runtime));
    }

    /// <summary>Ends the job's current step now (<paramref name="toEnd"/>: every step, until it is over); answers the job's status.</summary>
    public Task AdvanceAsync(HttpContext context, bool toEnd)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (!runtime.FineTuningJobs.TryGet(id, out var job))
        {
            return AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "NotFound", "No fine-tuning job has that id.");
        }

        var status = Advance(runtime, job, toEnd);
        return WriteAsync(context, new Dictionary<string, string> { ["id"] = id, ["status"] = FineTuningJson.StatusName(status) });
    }

    /// <summary>Ends the batch's current step now (<paramref name="toEnd"/>: every step, until it is over); answers its status.</summary>
    public Task AdvanceBatchAsync(HttpContext context, bool toEnd)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (!runtime.Batches.TryGet(id, out var batch))
        {
            return AzureErrors.WriteAsync(context, StatusCodes.Status404NotFound, "NotFound", "No batch has that id.");
        }

        var status = batch.Advance(runtime.NowTicks);
        while (toEnd && !batch.IsTerminal)
        {
            status = batch.Advance(runtime.NowTicks);
        }

        return WriteAsync(context, new Dictionary<string, string> { ["id"] = id, ["status"] = Batches.BatchJson.StatusName(status) });
    }

    public static FineTuningStatus Advance(SimulatorRuntime runtime, FineTuningJob job, bool toEnd)
    {
        var status = job.Advance(runtime.NowTicks);
        while (toEnd && !job.IsTerminal)
        {
            status = job.Advance(runtime.NowTicks);
        }

        return status;
    }

    public static void Apply(SimulatorRuntime runtime, SimulatedResourceFaults faults)
    {
        if (faults.FailNextCount is int fail)
        {
            runtime.ResourceFaults.FailNext(fail, faults.FailNextStatusCode, faults.FailNextRetryAfterMs);
        }

        if (faults.ResetNextCount is int reset)
        {
            runtime.ResourceFaults.ResetNext(reset);
        }

        if (faults.FailNextJobCount is int jobs)
        {
            runtime.ResourceFaults.FailNextJobs(jobs);
        }

        if (faults.FailNextBatchLineCount is int lines)
        {
            runtime.ResourceFaults.FailNextBatchLines(lines);
        }
    }

    public static SimulatedResourceStats Stats(SimulatorRuntime runtime) => new()
    {
        Files = runtime.Files.Count,
        Uploads = runtime.Uploads.Count,
        FineTuningJobs = runtime.FineTuningJobs.Count,
        Batches = runtime.Batches.Count,
        PendingFailures = runtime.ResourceFaults.PendingFailures,
        PendingResets = runtime.ResourceFaults.PendingResets,
        PendingJobFailures = runtime.ResourceFaults.PendingJobFailures,
        PendingBatchLineFailures = runtime.ResourceFaults.PendingBatchLineFailures,
    };

    private static Task WriteAsync<T>(HttpContext context, T value) =>
        context.Response.WriteAsJsonAsync(value, SimulatorJson.Options, "application/json", context.RequestAborted);
}
