using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.Recovery;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Recovery;

/// <summary>The redeploy plan read from a database: the registry's fine-tuned models, and nothing without a registry.</summary>
public sealed class RedeployPlannerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tokengate-tests", "plan-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task ExecuteAsync(SqliteDatabase database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task PlanAsync_NoRegistry_NoModels()
    {
        var plan = await RedeployPlanner.PlanAsync(new SqliteDatabase(_folder), "test", new Uri("https://dr.example.com/"), CancellationToken.None);

        Assert.Empty(plan.Models);
        Assert.Equal("https://dr.example.com", plan.TargetEndpoint);
    }

    [Fact]
    public async Task PlanAsync_SucceededJob_UploadsThenCreatesWithTheSettingsAsSent()
    {
        var database = new SqliteDatabase(_folder);
        await ExecuteAsync(database, """
            CREATE TABLE files (id TEXT PRIMARY KEY, consumer TEXT, purpose TEXT, filename TEXT, bytes BIGINT, sha256 TEXT, lines BIGINT, token_estimate BIGINT, created_at TEXT, expires_at TEXT);
            CREATE TABLE fine_tuning_jobs (id TEXT PRIMARY KEY, consumer TEXT, pool TEXT, backend TEXT, base_model TEXT, training_file TEXT, training_sha256 TEXT,
                validation_file TEXT, backend_training_file TEXT, backend_validation_file TEXT, settings TEXT, status TEXT, fine_tuned_model TEXT,
                trained_tokens BIGINT, created_at TEXT, finished_at TEXT, updated_at TEXT, job_json TEXT);
            INSERT INTO files VALUES ('file-t', 'app', 'fine-tune', 'train.jsonl', 100, 'aaaa', 10, 50, '2026-01-01', NULL);
            INSERT INTO files VALUES ('file-v', 'app', 'fine-tune', 'valid.jsonl', 20, 'bbbb', 2, 10, '2026-01-01', NULL);
            INSERT INTO fine_tuning_jobs VALUES ('ftjob-1', 'app', 'ft', 'east', 'gpt-4o-mini-2024-07-18', 'file-t', 'aaaa', 'file-v', 'b-t', 'b-v',
                '{"hyperparameters":{"n_epochs":3},"suffix":"support","seed":7}', 'succeeded', 'gpt-4o-mini-2024-07-18.ft-1', 900, '2026-01-01', '2026-01-02', '2026-01-02', '{}');
            INSERT INTO fine_tuning_jobs VALUES ('ftjob-2', 'app', 'ft', 'east', 'gpt-4o-mini-2024-07-18', 'file-t', 'aaaa', NULL, 'b-t', NULL,
                '{}', 'failed', NULL, NULL, '2026-01-03', '2026-01-03', '2026-01-03', '{}');
            """);

        var plan = await RedeployPlanner.PlanAsync(database, "test", new Uri("https://dr.example.com"), CancellationToken.None);

        var model = Assert.Single(plan.Models);
        Assert.Equal("gpt-4o-mini-2024-07-18.ft-1", model.FineTunedModel);
        Assert.Equal("support", model.Suffix);
        Assert.Equal(("file-t", "aaaa", 100L), (model.TrainingFile.Id, model.TrainingFile.Sha256, model.TrainingFile.Bytes!.Value));
        Assert.Equal("bbbb", model.ValidationFile!.Sha256);
        Assert.Equal(["training", "validation", "job"], model.Steps.Select(s => s.Name));
        var job = model.Steps[^1];
        Assert.Equal("https://dr.example.com/openai/v1/fine_tuning/jobs", job.Url);
        Assert.Equal("gpt-4o-mini-2024-07-18", job.Body["model"]!.GetValue<string>());
        Assert.Equal("{{training.id}}", job.Body["training_file"]!.GetValue<string>());
        Assert.Equal(3, job.Body["hyperparameters"]!["n_epochs"]!.GetValue<int>());
        Assert.Equal(7, job.Body["seed"]!.GetValue<int>());
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(plan, RecoveryJsonContext.Default.RedeployPlan));
        Assert.Equal(1, json.RootElement.GetProperty("models").GetArrayLength());
    }
}
