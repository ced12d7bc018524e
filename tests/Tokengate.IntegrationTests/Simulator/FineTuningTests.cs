using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using static Tokengate.IntegrationTests.Simulator.ResourceHarness;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Fine-tuning jobs on a fake clock: every status change happens exactly when the test moves time.</summary>
public sealed class FineTuningTests : IAsyncLifetime
{
    private const string BaseModel = "gpt-4o-mini-2024-07-18";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(time: _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Job_RunsToSucceeded_WithEventsCheckpointsAndAUsableModel()
    {
        var file = Id(await UploadAsync(_sim, ChatJsonl()));
        var (status, created) = await SendAsync(_sim, HttpMethod.Post, Classic("fine_tuning/jobs"),
            JsonSerializer.Serialize(new { model = BaseModel, training_file = file, suffix = "terse", seed = 7 }));
        Assert.Equal(201, status);
        var id = Id(created);
        Assert.Matches("^ftjob-[0-9a-f]{32}$", id);
        Assert.Equal("fine_tuning.job", created.GetProperty("object").GetString());
        Assert.Equal("validating_files", Status(created));
        Assert.Equal(BaseModel, created.GetProperty("model").GetString());
        Assert.Equal(file, created.GetProperty("training_file").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("fine_tuned_model").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("trained_tokens").ValueKind);
        Assert.Equal(3, created.GetProperty("hyperparameters").GetProperty("n_epochs").GetInt32());
        Assert.Equal("supervised", created.GetProperty("method").GetProperty("type").GetString());
        Assert.Equal(7, created.GetProperty("seed").GetInt64());

        _time.Advance(Step);
        Assert.Equal("queued", Status(await GetJobAsync(id)));
        _time.Advance(Step);
        Assert.Equal("running", Status(await GetJobAsync(id)));
        _time.Advance(TimeSpan.FromMilliseconds(1_400)); // two of three epochs
        var midway = await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}/events");
        Assert.Equal(2, MetricsEvents(midway).Count);
        _time.Advance(Step);

        var done = await GetJobAsync(id);
        Assert.Equal("succeeded", Status(done));
        var model = done.GetProperty("fine_tuned_model").GetString()!;
        Assert.Matches(new Regex($"^{Regex.Escape(BaseModel)}\\.ft-[0-9a-f]{{32}}-terse$"), model);
        Assert.Equal(ChatJsonlTokens() * 3, done.GetProperty("trained_tokens").GetInt64());
        Assert.Equal(done.GetProperty("created_at").GetInt64() + 6, done.GetProperty("finished_at").GetInt64());

        var events = await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}/events?limit=100");
        var messages = events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.StartsWith("The job has successfully completed", messages[0], StringComparison.Ordinal); // newest first
        Assert.StartsWith("Validating training file", messages[^1], StringComparison.Ordinal);
        Assert.Contains("Fine-tuning job started.", messages);
        var metrics = MetricsEvents(events);
        Assert.Equal(3, metrics.Count);
        Assert.All(metrics, e => Assert.Equal("fine_tuning.job.event", e.GetProperty("object").GetString()));
        Assert.True(metrics[0].GetProperty("data").GetProperty("train_loss").GetDouble() < metrics[^1].GetProperty("data").GetProperty("train_loss").GetDouble());

        var checkpoints = await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}/checkpoints");
        var data = checkpoints.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(3, data.Count);
        Assert.All(data, c =>
        {
            Assert.Equal("fine_tuning.job.checkpoint", c.GetProperty("object").GetString());
            Assert.Equal(id, c.GetProperty("fine_tuning_job_id").GetString());
            Assert.StartsWith(model + ":ckpt-step-", c.GetProperty("fine_tuned_model_checkpoint").GetString(), StringComparison.Ordinal);
        });
        Assert.True(data[0].GetProperty("step_number").GetInt32() > data[1].GetProperty("step_number").GetInt32());

        var results = done.GetProperty("result_files")[0].GetString()!;
        Assert.Equal("fine-tune-results", (await OkAsync(_sim, HttpMethod.Get, $"{V1}/files/{results}")).GetProperty("purpose").GetString());

        // The tuned model is deployed under its own name and answers chat.
        var chat = await _sim.PostOkAsync(V1 + "/chat/completions", JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = "Hi" } } }));
        Assert.Equal(model, chat.GetProperty("model").GetString());
        Assert.Contains(model, _sim.Control.Deployments);
    }

    [Fact]
    public async Task Job_MissingOrForeignTrainingFile_400()
    {
        await using var other = await SimulatorHarness.StartAsync(time: _time);
        var foreign = Id(await UploadAsync(other, ChatJsonl()));

        foreach (var training in new[] { "file-0123456789abcdef0123456789abcdef", foreign })
        {
            var (status, body) = await SendAsync(_sim, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new { model = BaseModel, training_file = training }));
            Assert.Equal(400, status);
            Assert.Equal("training_file", body.GetProperty("error").GetProperty("param").GetString());
            Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        }

        var batchFile = Id(await UploadAsync(_sim, "{}\n", "batch"));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new { model = BaseModel, training_file = batchFile }))).Status);
        var good = Id(await UploadAsync(_sim, ChatJsonl()));
        var (modelStatus, modelError) = await SendAsync(_sim, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new { model = "gpt-4-0613", training_file = good }));
        Assert.Equal(400, modelStatus);
        Assert.Equal("model_not_available", modelError.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty((await OkAsync(_sim, HttpMethod.Get, V1 + "/fine_tuning/jobs")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Job_InvalidTrainingData_FailsAfterValidationWithAnError()
    {
        var notChat = new StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            notChat.Append("{\"prompt\":\"q\",\"completion\":\"a\"}\n");
        }

        var tooFew = Id(await UploadAsync(_sim, ChatJsonl(3)));
        var wrongShape = Id(await UploadAsync(_sim, notChat.ToString()));
        var broken = Id(await UploadAsync(_sim, ChatJsonl(10) + "{not json\n"));
        var jobs = new List<string>();
        foreach (var file in new[] { tooFew, wrongShape, broken })
        {
            jobs.Add(Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new { model = "gpt-4.1-mini", training_file = file }))));
        }

        _time.Advance(Step);

        foreach (var id in jobs)
        {
            var job = await GetJobAsync(id);
            Assert.Equal("failed", Status(job));
            var error = job.GetProperty("error");
            Assert.Equal("invalid_training_file", error.GetProperty("code").GetString());
            Assert.Equal("training_file", error.GetProperty("param").GetString());
            Assert.StartsWith("The job failed due to an invalid training file.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, job.GetProperty("fine_tuned_model").ValueKind);
            var events = await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}/events");
            Assert.Equal("error", events.GetProperty("data")[0].GetProperty("level").GetString());
        }

        Assert.Contains("at least 10", (await GetJobAsync(jobs[0])).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Line 11", (await GetJobAsync(jobs[2])).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_CancelWhileRunning_Cancelled_AndStaysSo()
    {
        var id = await CreateJobAsync();
        _time.Advance(Step * 2 + TimeSpan.FromMilliseconds(100));
        Assert.Equal("running", Status(await GetJobAsync(id)));

        var cancelled = await OkAsync(_sim, HttpMethod.Post, Classic($"fine_tuning/jobs/{id}/cancel"));

        Assert.Equal("cancelled", Status(cancelled));
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("finished_at").ValueKind);
        _time.Advance(TimeSpan.FromMinutes(1));
        var later = await GetJobAsync(id);
        Assert.Equal("cancelled", Status(later));
        Assert.Equal(JsonValueKind.Null, later.GetProperty("fine_tuned_model").ValueKind);
        Assert.Equal(200, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/cancel")).Status);
    }

    [Fact]
    public async Task Job_PauseAndResume_PausedTimeDoesNotCount()
    {
        var id = await CreateJobAsync();
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/pause")).Status); // still validating
        _time.Advance(Step * 2 + TimeSpan.FromSeconds(1));

        Assert.Equal("paused", Status(await OkAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/pause")));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("paused", Status(await GetJobAsync(id)));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/pause")).Status);

        Assert.Equal("running", Status(await OkAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/resume")));
        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal("running", Status(await GetJobAsync(id)));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("succeeded", Status(await GetJobAsync(id)));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/resume")).Status);
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{id}/cancel")).Status);
    }

    [Fact]
    public async Task Job_FailNextJobFault_FailsWhenItLeavesTheQueue()
    {
        _sim.Control.FailNextFineTuningJobs(1);
        var failing = await CreateJobAsync();
        var healthy = await CreateJobAsync();

        _time.Advance(Step * 2);

        var job = await GetJobAsync(failing);
        Assert.Equal("failed", Status(job));
        Assert.Equal("server_error", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("running", Status(await GetJobAsync(healthy)));
        Assert.Equal(0, _sim.Control.GetResourceStats().PendingJobFailures);
    }

    [Fact]
    public async Task Job_ListPagesNewestFirst_AndAnotherResourceDoesNotKnowTheJob()
    {
        var first = await CreateJobAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await CreateJobAsync();

        var page = await OkAsync(_sim, HttpMethod.Get, V1 + "/fine_tuning/jobs?limit=1");
        Assert.Equal(second, Id(page.GetProperty("data")[0]));
        Assert.True(page.GetProperty("has_more").GetBoolean());
        var next = await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs?limit=1&after={second}");
        Assert.Equal(first, Id(next.GetProperty("data")[0]));
        Assert.False(next.GetProperty("has_more").GetBoolean());

        await using var other = await SimulatorHarness.StartAsync(time: _time);
        Assert.Equal(404, (await SendAsync(other, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{first}")).Status);
        Assert.Equal(404, (await SendAsync(other, HttpMethod.Post, $"{V1}/fine_tuning/jobs/{first}/cancel")).Status);
    }

    [Fact]
    public async Task ControlEndpoint_AdvancesAJobWithoutTheClock()
    {
        var id = await CreateJobAsync();

        using (var advanced = await _sim.Http.PostAsync($"_simulator/fine_tuning/jobs/{id}/advance", null))
        {
            Assert.Equal("queued", JsonDocument.Parse(await advanced.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        Assert.Equal("queued", Status(await GetJobAsync(id)));
        using (var completed = await _sim.Http.PostAsync($"_simulator/fine_tuning/jobs/{id}/complete", null))
        {
            Assert.Equal("succeeded", JsonDocument.Parse(await completed.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        var job = await GetJobAsync(id);
        Assert.Equal("succeeded", Status(job));
        Assert.Equal(ChatJsonlTokens() * 3, job.GetProperty("trained_tokens").GetInt64());
        Assert.Equal(3, MetricsEvents(await OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}/events?limit=50")).Count);
        Assert.Equal("succeeded", _sim.Control.CompleteFineTuningJob(id));
        Assert.Equal(404, (int)(await _sim.Http.PostAsync("_simulator/fine_tuning/jobs/ftjob-nope/advance", null)).StatusCode);
    }

    [Fact]
    public async Task Job_ZeroDurations_SucceedsAtOnce_WithMethodHyperparameters()
    {
        await using var instant = await SimulatorHarness.StartAsync(o =>
        {
            o.FineTuning.FileProcessingMs = 0;
            o.FineTuning.ValidatingFilesMs = 0;
            o.FineTuning.QueuedMs = 0;
            o.FineTuning.RunningMs = 0;
        });
        var file = await UploadAsync(instant, ChatJsonl());
        Assert.Equal("processed", Status(file));

        var job = await OkAsync(instant, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new
        {
            model = "gpt-4.1-mini-2025-04-14",
            training_file = Id(file),
            validation_file = Id(file),
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 2, batch_size = 5 } } },
        }));

        Assert.Equal("succeeded", Status(job));
        Assert.Equal(2, job.GetProperty("hyperparameters").GetProperty("n_epochs").GetInt32());
        Assert.Equal(ChatJsonlTokens() * 2, job.GetProperty("trained_tokens").GetInt64());
        var checkpoints = await OkAsync(instant, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{Id(job)}/checkpoints");
        Assert.Equal([4, 2], checkpoints.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("step_number").GetInt32()));
        Assert.True(checkpoints.GetProperty("data")[0].GetProperty("metrics").TryGetProperty("valid_loss", out _));
    }

    private static List<JsonElement> MetricsEvents(JsonElement list) =>
        [.. list.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "metrics")];

    private async Task<string> CreateJobAsync()
    {
        var file = Id(await UploadAsync(_sim, ChatJsonl()));
        return Id(await OkAsync(_sim, HttpMethod.Post, V1 + "/fine_tuning/jobs", JsonSerializer.Serialize(new { model = BaseModel, training_file = file })));
    }

    private Task<JsonElement> GetJobAsync(string id) => OkAsync(_sim, HttpMethod.Get, $"{V1}/fine_tuning/jobs/{id}");
}
