using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.FineTuning;

/// <summary>
/// <c>/openai/fine_tuning/jobs</c>: create, list, retrieve, events, checkpoints, cancel, pause and resume. A job
/// trains on files of this resource only; its timeline runs on the simulator's clock (see
/// <see cref="SimulatedFineTuningOptions"/>).
/// </summary>
internal sealed class FineTuningHandler(SimulatorRuntime runtime, FileService files)
{
    private const int DefaultListLimit = 20;
    private const int MaxListLimit = 100;
    private const int MaxSuffixLength = 64;

    public async Task CreateAsync(HttpContext context)
    {
        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        FineTuningJob job;
        using (document)
        {
            var (spec, error) = ReadSpec(document.RootElement);
            if (spec is null)
            {
                await ResourceJson.WriteErrorAsync(context, error);
                return;
            }

            job = new FineTuningJob(FileIds.New("ftjob-"), spec, runtime.NowTicks, runtime.Time, OnSucceeded);
        }

        runtime.FineTuningJobs.Add(job);
        await ResourceJson.WriteCreatedAsync(context, "fine_tuning/jobs", job.Id, WriteJob(job));
    }

    public async Task ListAsync(HttpContext context)
    {
        if (ListQuery.Read(context.Request, DefaultListLimit, MaxListLimit, defaultAscending: false, out var error) is not { } query)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        var (page, hasMore) = query.Apply(runtime.FineTuningJobs.List(), j => j.Id);
        var now = runtime.NowTicks;
        await ResourceJson.WriteOkAsync(context, w => FineTuningJson.WriteList(w, page, hasMore, j => j.Id,
            (writer, job) => job.Observe(now, j =>
            {
                FineTuningJson.WriteJob(writer, j);
                return 0;
            })));
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await FindAsync(context) is { } job)
        {
            await ResourceJson.WriteOkAsync(context, WriteJob(job));
        }
    }

    /// <summary>Events newest first, paged by <c>after</c> and <c>limit</c>.</summary>
    public async Task EventsAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } job)
        {
            return;
        }

        if (ListQuery.Read(context.Request, DefaultListLimit, MaxListLimit, defaultAscending: false, out var error) is not { } query)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        job.Observe(runtime.NowTicks, _ => 0);
        var events = job.EventsNewestFirst();
        events.Reverse();
        var (page, hasMore) = query.Apply(events, e => e.Id);
        await ResourceJson.WriteOkAsync(context, w => FineTuningJson.WriteList(w, page, hasMore, e => e.Id, FineTuningJson.WriteEvent));
    }

    /// <summary>Checkpoints (the last three epochs of a succeeded job) newest first.</summary>
    public async Task CheckpointsAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } job)
        {
            return;
        }

        if (ListQuery.Read(context.Request, 10, MaxListLimit, defaultAscending: false, out var error) is not { } query)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        job.Observe(runtime.NowTicks, _ => 0);
        var checkpoints = job.CheckpointsNewestFirst();
        checkpoints.Reverse();
        var (page, hasMore) = query.Apply(checkpoints, c => c.Id);
        await ResourceJson.WriteOkAsync(context, w => FineTuningJson.WriteList(w, page, hasMore, c => c.Id, (writer, c) => FineTuningJson.WriteCheckpoint(writer, c, job.Id)));
    }

    public async Task CancelAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } job)
        {
            return;
        }

        if (!job.TryCancel(runtime.NowTicks, out var status))
        {
            await ResourceJson.WriteErrorAsync(context, WrongState(job, "cancelled", status));
            return;
        }

        await ResourceJson.WriteOkAsync(context, WriteJob(job));
    }

    public async Task PauseAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } job)
        {
            return;
        }

        if (!job.TryPause(runtime.NowTicks, out var status))
        {
            await ResourceJson.WriteErrorAsync(context, WrongState(job, "paused", status));
            return;
        }

        await ResourceJson.WriteOkAsync(context, WriteJob(job));
    }

    public async Task ResumeAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } job)
        {
            return;
        }

        if (!job.TryResume(runtime.NowTicks, out var status))
        {
            await ResourceJson.WriteErrorAsync(context, WrongState(job, "resumed", status));
            return;
        }

        await ResourceJson.WriteOkAsync(context, WriteJob(job));
    }

    private Action<Utf8JsonWriter> WriteJob(FineTuningJob job)
    {
        var now = runtime.NowTicks;
        return w => job.Observe(now, j =>
        {
            FineTuningJson.WriteJob(w, j);
            return 0;
        });
    }

    private static (string Message, string? Param, string? Code) WrongState(FineTuningJob job, string verb, FineTuningStatus status) =>
        ($"Job {job.Id} cannot be {verb}: its status is '{FineTuningJson.StatusName(status)}'.", null, "invalid_state");

    private async Task<FineTuningJob?> FindAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (runtime.FineTuningJobs.TryGet(id, out var job))
        {
            return job;
        }

        await AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status404NotFound, $"No such fine-tuning job: {id}", "invalid_request_error", "fine_tuning_job_id", null);
        return null;
    }

    /// <summary>Resolves the create body into a job spec, or the 400 the service answers.</summary>
    private (FineTuningJobSpec? Spec, (string Message, string? Param, string? Code) Error) ReadSpec(JsonElement root)
    {
        var options = runtime.Options.FineTuning;
        if (!TryReadString(root, "model", required: true, out var model, out var error)
            || !TryReadString(root, "training_file", required: true, out var trainingId, out error)
            || !TryReadString(root, "validation_file", required: false, out var validationId, out error)
            || !TryReadString(root, "suffix", required: false, out var suffix, out error))
        {
            return (null, error);
        }

        if (!IsTunable(model!))
        {
            return (null, ($"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available"));
        }

        if (suffix is { Length: > MaxSuffixLength })
        {
            return (null, RequestErrors.InvalidValue("suffix", $"Invalid 'suffix': string too long. Expected a string with maximum length {MaxSuffixLength}, but got a string with length {suffix.Length} instead."));
        }

        var now = runtime.NowTicks;
        if (FindTrainingFile(trainingId!, "training_file", now, out var training) is { } trainingError)
        {
            return (null, trainingError);
        }

        StoredFile? validation = null;
        if (validationId is not null && FindTrainingFile(validationId, "validation_file", now, out validation) is { } validationError)
        {
            return (null, validationError);
        }

        // The method: supervised (the default) or DPO; its hyperparameters, or the legacy top-level ones.
        var method = "supervised";
        JsonElement? hyperparameters = root.TryGetProperty("hyperparameters", out var legacy) && legacy.ValueKind == JsonValueKind.Object ? legacy : null;
        if (root.TryGetProperty("method", out var methodElement) && methodElement.ValueKind == JsonValueKind.Object)
        {
            if (!methodElement.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return (null, RequestErrors.Missing("method.type"));
            }

            method = type.GetString()!;
            if (method is not ("supervised" or "dpo"))
            {
                return (null, RequestErrors.InvalidValue("method.type", method == "reinforcement"
                    ? $"Reinforcement fine-tuning is not supported for model {model}."
                    : $"Invalid value: '{method}'. Supported values are: 'supervised', 'dpo' and 'reinforcement'."));
            }

            if (methodElement.TryGetProperty(method, out var details) && details.ValueKind == JsonValueKind.Object
                && details.TryGetProperty("hyperparameters", out var methodHyper) && methodHyper.ValueKind == JsonValueKind.Object)
            {
                hyperparameters = methodHyper;
            }
        }

        if (!TryReadHyperparameter(hyperparameters, "n_epochs", 1, 50, out var epochs, out error)
            || !TryReadHyperparameter(hyperparameters, "batch_size", 1, 256, out var batch, out error)
            || !TryReadHyperparameter(hyperparameters, "learning_rate_multiplier", double.Epsilon, 10, out var rate, out error))
        {
            return (null, error);
        }

        long seed;
        if (root.TryGetProperty("seed", out var seedElement) && seedElement.ValueKind != JsonValueKind.Null)
        {
            if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetInt64(out seed))
            {
                return (null, RequestErrors.InvalidType("seed", "an integer", seedElement));
            }
        }
        else
        {
            seed = RandomNumberGenerator.GetInt32(int.MaxValue);
        }

        var tokenizer = runtime.Tokenizers.Get(ModelInfo.For(model!).Encoding);
        var dpo = method == "dpo";
        var trainingData = TrainingData.Analyze(training!.Content, dpo, tokenizer, options.MinTrainingExamples);
        var validationData = validation is null ? null : TrainingData.Analyze(validation.Content, dpo, tokenizer, 1);

        // "auto": the configured epochs; a batch of about 0.2% of the examples, as the service picks.
        var resolvedBatch = batch is double b ? (int)b : Math.Clamp((int)Math.Ceiling(trainingData.Examples * 0.002), 1, 256);
        JsonElement? metadata = root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object ? meta.Clone() : null;
        var spec = new FineTuningJobSpec(
            model!, training.Id, validation?.Id, suffix, seed, method,
            epochs is double e ? (int)e : Math.Max(1, options.DefaultEpochs),
            resolvedBatch,
            rate ?? 1.0,
            metadata,
            trainingData,
            validationData,
            TimeSpan.FromMilliseconds(options.ValidatingFilesMs),
            TimeSpan.FromMilliseconds(options.QueuedMs),
            TimeSpan.FromMilliseconds(options.RunningMs),
            runtime.ResourceFaults.TryConsumeJobFailure());
        return (spec, default);
    }

    private bool IsTunable(string model)
    {
        if (runtime.Options.FineTuning.BaseModels.Contains(model, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        // Continued fine-tuning: a model this resource produced.
        var now = runtime.NowTicks;
        return runtime.FineTuningJobs.List().Any(job => job.Observe(now, j => string.Equals(j.FineTunedModel, model, StringComparison.OrdinalIgnoreCase)));
    }

    private (string Message, string? Param, string? Code)? FindTrainingFile(string id, string param, long now, out StoredFile? file)
    {
        if (!runtime.Files.TryGet(id, now, out var found))
        {
            file = null;
            return ($"invalid {param}: {id}. The file does not exist on this resource.", param, param == "training_file" ? "invalid_training_file" : "invalid_validation_file");
        }

        if (found.Purpose != FilePurposes.FineTune)
        {
            file = null;
            return ($"File {id} has purpose '{found.Purpose}'; fine-tuning needs a file with purpose 'fine-tune'.", param, "invalid_file_purpose");
        }

        file = found;
        return null;
    }

    /// <summary>On success: the results file (one CSV row per epoch) and, when configured, a deployment of the model.</summary>
    private string? OnSucceeded(FineTuningJob job, long atTicks, IReadOnlyList<FineTuningMetrics> epochs)
    {
        var csv = new StringBuilder("step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy\n");
        foreach (var m in epochs)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{m.Step},{m.TrainLoss},{m.TrainAccuracy},{m.ValidLoss},{m.ValidAccuracy}\n");
        }

        var results = files.Create("results.csv", FilePurposes.FineTuneResults, Encoding.UTF8.GetBytes(csv.ToString()), null);
        if (runtime.Options.FineTuning.DeployFineTunedModels && job.FineTunedModel is { } model)
        {
            runtime.Deployments.TryAdd(model, new SimulatedDeploymentOptions { Model = model }, atTicks);
        }

        return results.Id;
    }

    private static bool TryReadString(JsonElement root, string name, bool required, out string? value, out (string Message, string? Param, string? Code) error)
    {
        value = null;
        error = default;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error = RequestErrors.Missing(name);
                return false;
            }

            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = RequestErrors.InvalidType(name, "a string", element);
            return false;
        }

        value = element.GetString();
        if (required && string.IsNullOrEmpty(value))
        {
            error = RequestErrors.Missing(name);
            return false;
        }

        return true;
    }

    /// <summary>A hyperparameter: absent, null or <c>"auto"</c> leaves it null; otherwise a number within bounds.</summary>
    private static bool TryReadHyperparameter(JsonElement? hyperparameters, string name, double min, double max, out double? value, out (string Message, string? Param, string? Code) error)
    {
        value = null;
        error = default;
        if (hyperparameters is not { } h || !h.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null
            || (element.ValueKind == JsonValueKind.String && element.GetString() == "auto"))
        {
            return true;
        }

        var param = "hyperparameters." + name;
        if (element.ValueKind != JsonValueKind.Number)
        {
            error = RequestErrors.InvalidType(param, "'auto' or a number", element);
            return false;
        }

        var number = element.GetDouble();
        if (number < min || number > max || (name != "learning_rate_multiplier" && number != Math.Floor(number)))
        {
            error = RequestErrors.InvalidValue(param, string.Create(CultureInfo.InvariantCulture,
                $"Invalid '{param}': expected 'auto' or a value between {(min < 1 ? 0 : min)} and {max}, but got {number} instead."));
            return false;
        }

        value = number;
        return true;
    }
}
