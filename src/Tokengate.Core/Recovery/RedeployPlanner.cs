using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokengate.Storage;

namespace Tokengate.Recovery;

/// <summary>
/// Reads the fine-tuning registry (<c>fine_tuning_jobs</c>) and writes, for each job that produced a model, the calls
/// that make it again elsewhere: upload the training (and validation) file, then create the job with the base model
/// and the settings as first sent. A database without the registry gives an empty plan.
/// </summary>
internal static class RedeployPlanner
{
    public static async Task<RedeployPlan> PlanAsync(IDatabase database, string source, Uri targetEndpoint, CancellationToken cancellationToken)
    {
        var endpoint = targetEndpoint.AbsoluteUri.TrimEnd('/');
        var models = new List<RedeployModel>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await HasTableAsync(connection, database.Provider, "fine_tuning_jobs", cancellationToken).ConfigureAwait(false))
            return new RedeployPlan(endpoint, source, models);
        var files = await HasTableAsync(connection, database.Provider, "files", cancellationToken).ConfigureAwait(false);

        await using var command = connection.CreateCommand();
        command.CommandText = files
            ? """
              SELECT j.id, j.fine_tuned_model, j.base_model, j.consumer, j.training_file, j.training_sha256, j.validation_file, j.settings,
                     t.bytes, t.filename, v.sha256, v.bytes, v.filename
              FROM fine_tuning_jobs j LEFT JOIN files t ON t.id = j.training_file LEFT JOIN files v ON v.id = j.validation_file
              WHERE j.fine_tuned_model IS NOT NULL ORDER BY j.created_at, j.id
              """
            : """
              SELECT j.id, j.fine_tuned_model, j.base_model, j.consumer, j.training_file, j.training_sha256, j.validation_file, j.settings,
                     NULL, NULL, NULL, NULL, NULL
              FROM fine_tuning_jobs j WHERE j.fine_tuned_model IS NOT NULL ORDER BY j.created_at, j.id
              """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var settings = ParseSettings(reader.GetString(7));
            var training = new RedeployFile(reader.GetString(4), reader.GetString(5), Long(reader, 8), String(reader, 9));
            RedeployFile? validation = reader.IsDBNull(6) ? null
                : new RedeployFile(reader.GetString(6), String(reader, 10) ?? "(file deleted: no digest kept)", Long(reader, 11), String(reader, 12));
            models.Add(Model(endpoint, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), training, validation, settings));
        }
        return new RedeployPlan(endpoint, source, models);
    }

    private static RedeployModel Model(string endpoint, string jobId, string model, string baseModel, string consumer, RedeployFile training, RedeployFile? validation, JsonObject settings)
    {
        var steps = new List<RedeployStep>
        {
            Upload(endpoint, "training", training),
        };
        if (validation is not null) steps.Add(Upload(endpoint, "validation", validation));
        var body = new JsonObject { ["model"] = baseModel, ["training_file"] = "{{training.id}}" };
        if (validation is not null) body["validation_file"] = "{{validation.id}}";
        foreach (var (name, value) in settings) body[name] = value?.DeepClone();
        steps.Add(new RedeployStep("job", "POST", endpoint + "/openai/v1/fine_tuning/jobs", body,
            $"the new job's fine_tuned_model replaces {model}; point the deployments that served {model} at it"));
        var suffix = settings["suffix"]?.GetValueKind() == JsonValueKind.String ? settings["suffix"]!.GetValue<string>() : null;
        return new RedeployModel(jobId, model, baseModel, consumer, suffix, training, validation, settings, steps);
    }

    private static RedeployStep Upload(string endpoint, string name, RedeployFile file) => new(name, "POST", endpoint + "/openai/v1/files",
        new JsonObject { ["purpose"] = "fine-tune", ["file"] = $"@{file.Id}" + (file.Filename is null ? "" : $" ({file.Filename})") },
        $"the bytes sent (the content of {file.Id} from the restored gateway: GET /openai/v1/files/{file.Id}/content) have SHA-256 {file.Sha256}");

    private static JsonObject ParseSettings(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static long? Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? String(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static async Task<bool> HasTableAsync(DbConnection connection, DatabaseProvider provider, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = provider == DatabaseProvider.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";
        command.AddParameter("@name", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
