using System.Data.Common;
using Tokengate.Storage;

namespace Tokengate.FineTuning;

/// <summary>The registry of fine-tuning jobs: plain SQL for both engines.</summary>
internal sealed class FineTuningCatalog(IDatabase database)
{
    private const string Columns = "id, consumer, pool, backend, base_model, training_file, training_sha256, validation_file, backend_training_file, backend_validation_file, settings, status, "
        + "fine_tuned_model, trained_tokens, created_at, finished_at, updated_at, job_json";

    public async Task AddAsync(FineTuningJobRecord job, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO fine_tuning_jobs ({Columns})
            VALUES (@id, @consumer, @pool, @backend, @base, @training, @sha, @validation, @backend_training, @backend_validation, @settings, @status, @model, @tokens, @created, @finished, @updated, @json)
            """;
        command.AddParameter("@id", job.Id).AddParameter("@consumer", job.Consumer).AddParameter("@pool", job.Pool).AddParameter("@backend", job.Backend)
            .AddParameter("@base", job.BaseModel).AddParameter("@training", job.TrainingFile).AddParameter("@sha", job.TrainingSha256)
            .AddParameter("@validation", job.ValidationFile)
            .AddParameter("@backend_training", job.BackendTrainingFile).AddParameter("@backend_validation", job.BackendValidationFile).AddParameter("@settings", job.Settings).AddParameter("@status", job.Status)
            .AddParameter("@model", job.FineTunedModel).AddParameter("@tokens", job.TrainedTokens)
            .AddParameter("@created", DbTimestamps.ToDb(job.CreatedAt, database.Provider))
            .AddParameter("@finished", job.FinishedAt is { } finished ? DbTimestamps.ToDb(finished, database.Provider) : null)
            .AddParameter("@updated", DbTimestamps.ToDb(job.UpdatedAt, database.Provider)).AddParameter("@json", job.Json);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The consumer's job; null when there is none or it belongs to someone else (the caller answers 404 for both).</summary>
    public async Task<FineTuningJobRecord?> FindAsync(string id, string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM fine_tuning_jobs WHERE id = @id AND consumer = @consumer";
        command.AddParameter("@id", id).AddParameter("@consumer", consumer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>
    /// Jobs newest first (of one consumer, or of all with null), after a cursor (a job id), at most
    /// <paramref name="limit"/> plus one, so the caller can tell whether there are more.
    /// </summary>
    public async Task<List<FineTuningJobRecord>> ListAsync(string? consumer, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (consumer is not null)
        {
            where.Add("consumer = @consumer");
            command.AddParameter("@consumer", consumer);
        }
        if (after is not null)
        {
            where.Add("(created_at, id) < (SELECT created_at, id FROM fine_tuning_jobs WHERE id = @after)");
            command.AddParameter("@after", after);
        }
        command.CommandText = $"SELECT {Columns} FROM fine_tuning_jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} "
            + "ORDER BY created_at DESC, id DESC LIMIT @limit";
        command.AddParameter("@limit", limit + 1);
        var jobs = new List<FineTuningJobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) jobs.Add(Read(reader));
        return jobs;
    }

    /// <summary>What a job object that passed through says now: its status, resulting model, trained tokens, finish time and the object itself.</summary>
    public async Task UpdateAsync(string id, FineTuningJobState state, string json, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE fine_tuning_jobs SET status = COALESCE(@status, status), fine_tuned_model = COALESCE(@model, fine_tuned_model),
                trained_tokens = COALESCE(@tokens, trained_tokens), finished_at = COALESCE(@finished, finished_at), updated_at = @updated, job_json = @json
            WHERE id = @id
            """;
        command.AddParameter("@status", state.Status).AddParameter("@model", state.FineTunedModel).AddParameter("@tokens", state.TrainedTokens)
            .AddParameter("@finished", state.FinishedAt is { } finished ? DbTimestamps.ToDb(finished, database.Provider) : null)
            .AddParameter("@updated", DbTimestamps.ToDb(at, database.Provider)).AddParameter("@json", json).AddParameter("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static FineTuningJobRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetString(10), r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt64(13), DbTimestamps.Read(r, 14), DbTimestamps.ReadNullable(r, 15),
        DbTimestamps.Read(r, 16), r.GetString(17));
}
