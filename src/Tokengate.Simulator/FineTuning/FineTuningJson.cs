using System.Text.Json;
using Tokengate.Simulator.Files;

namespace Tokengate.Simulator.FineTuning;

/// <summary>The <c>fine_tuning.job</c>, event and checkpoint objects in Azure's shape.</summary>
internal static class FineTuningJson
{
    private static readonly string[] StatusNames = ["validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled"];

    public static string StatusName(FineTuningStatus status) => StatusNames[(int)status];

    /// <summary>Writes the job as it stands; call inside <see cref="FineTuningJob.Observe{T}"/>.</summary>
    public static void WriteJob(Utf8JsonWriter w, FineTuningJob job)
    {
        var spec = job.Spec;
        w.WriteStartObject();
        w.WriteString("id"u8, job.Id);
        w.WriteString("object"u8, "fine_tuning.job"u8);
        w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(job.CreatedTicks));
        w.WriteString("model"u8, spec.Model);
        w.WriteString("status"u8, StatusName(job.Status));
        ResourceJson.WriteNullableString(w, "fine_tuned_model", job.FineTunedModel);
        if (job.FinishedTicks is long finished)
        {
            w.WriteNumber("finished_at"u8, ResourceJson.UnixSeconds(finished));
        }
        else
        {
            w.WriteNull("finished_at"u8);
        }

        if (job.EstimatedFinish() is long estimate)
        {
            w.WriteNumber("estimated_finish"u8, ResourceJson.UnixSeconds(estimate));
        }
        else
        {
            w.WriteNull("estimated_finish"u8);
        }

        w.WriteString("training_file"u8, spec.TrainingFile);
        ResourceJson.WriteNullableString(w, "validation_file", spec.ValidationFile);
        w.WriteStartArray("result_files"u8);
        if (job.ResultFile is { } result)
        {
            w.WriteStringValue(result);
        }

        w.WriteEndArray();
        if (job.TrainedTokens is long trained)
        {
            w.WriteNumber("trained_tokens"u8, trained);
        }
        else
        {
            w.WriteNull("trained_tokens"u8);
        }

        w.WritePropertyName("hyperparameters"u8);
        WriteHyperparameters(w, spec);
        w.WriteStartObject("method"u8);
        w.WriteString("type"u8, spec.Method);
        w.WriteStartObject(spec.Method);
        w.WritePropertyName("hyperparameters"u8);
        WriteHyperparameters(w, spec);
        w.WriteEndObject();
        w.WriteEndObject();
        ResourceJson.WriteNullableString(w, "suffix", spec.Suffix);
        w.WriteNumber("seed"u8, spec.Seed);
        if (job.Error is { } error)
        {
            w.WriteStartObject("error"u8);
            w.WriteString("code"u8, error.Code);
            w.WriteString("message"u8, error.Message);
            ResourceJson.WriteNullableString(w, "param", error.Param);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("error"u8);
        }

        w.WriteNull("integrations"u8);
        w.WritePropertyName("metadata"u8);
        if (spec.Metadata is { } metadata)
        {
            metadata.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteEndObject();
    }

    public static void WriteEvent(Utf8JsonWriter w, FineTuningEvent e)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, e.Id);
        w.WriteString("object"u8, "fine_tuning.job.event"u8);
        w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(e.CreatedTicks));
        w.WriteString("level"u8, e.Level);
        w.WriteString("message"u8, e.Message);
        if (e.Metrics is { } metrics)
        {
            w.WriteString("type"u8, "metrics"u8);
            w.WritePropertyName("data"u8);
            WriteMetrics(w, metrics, includeTotal: true);
        }
        else
        {
            w.WriteString("type"u8, "message"u8);
            w.WriteStartObject("data"u8);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    public static void WriteCheckpoint(Utf8JsonWriter w, FineTuningCheckpoint checkpoint, string jobId)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, checkpoint.Id);
        w.WriteString("object"u8, "fine_tuning.job.checkpoint"u8);
        w.WriteNumber("created_at"u8, ResourceJson.UnixSeconds(checkpoint.CreatedTicks));
        w.WriteString("fine_tuned_model_checkpoint"u8, checkpoint.Model);
        w.WriteString("fine_tuning_job_id"u8, jobId);
        w.WriteNumber("step_number"u8, checkpoint.StepNumber);
        w.WritePropertyName("metrics"u8);
        WriteMetrics(w, checkpoint.Metrics, includeTotal: false);
        w.WriteEndObject();
    }

    /// <summary>A cursor page: <c>{object: "list", data, first_id, last_id, has_more}</c>.</summary>
    public static void WriteList<T>(Utf8JsonWriter w, List<T> page, bool hasMore, Func<T, string> idOf, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartObject();
        w.WriteString("object"u8, "list"u8);
        w.WriteStartArray("data"u8);
        foreach (var item in page)
        {
            write(w, item);
        }

        w.WriteEndArray();
        ResourceJson.WriteNullableString(w, "first_id", page.Count > 0 ? idOf(page[0]) : null);
        ResourceJson.WriteNullableString(w, "last_id", page.Count > 0 ? idOf(page[^1]) : null);
        w.WriteBoolean("has_more"u8, hasMore);
        w.WriteEndObject();
    }

    private static void WriteHyperparameters(Utf8JsonWriter w, FineTuningJobSpec spec)
    {
        w.WriteStartObject();
        w.WriteNumber("n_epochs"u8, spec.Epochs);
        w.WriteNumber("batch_size"u8, spec.BatchSize);
        w.WriteNumber("learning_rate_multiplier"u8, spec.LearningRateMultiplier);
        w.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter w, FineTuningMetrics m, bool includeTotal)
    {
        w.WriteStartObject();
        w.WriteNumber("step"u8, m.Step);
        if (includeTotal)
        {
            w.WriteNumber("total_steps"u8, m.TotalSteps);
        }

        w.WriteNumber("train_loss"u8, m.TrainLoss);
        w.WriteNumber("train_mean_token_accuracy"u8, m.TrainAccuracy);
        if (m.ValidLoss is double validLoss)
        {
            w.WriteNumber("valid_loss"u8, validLoss);
            w.WriteNumber("valid_mean_token_accuracy"u8, m.ValidAccuracy ?? 0);
            if (!includeTotal)
            {
                w.WriteNumber("full_valid_loss"u8, validLoss);
                w.WriteNumber("full_valid_mean_token_accuracy"u8, m.ValidAccuracy ?? 0);
            }
        }

        w.WriteEndObject();
    }
}
