using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>
/// Fine-tuning jobs through the gateway: the training file placed on the one backend the job runs on, the job bound
/// to it and followed to its model there, owner-only, failover at create, the registry, the admin API and the CLI.
/// </summary>
public sealed class FineTuningGatewayTests : IAsyncLifetime
{
    private const string Alice = FineTuningHarness.AliceKey;
    private const string Bob = FineTuningHarness.BobKey;
    private static readonly string Classic = $"openai/fine_tuning/jobs?api-version={FineTuningHarness.ApiVersion}";
    private FineTuningHarness _h = null!;

    public async Task InitializeAsync() => _h = await FineTuningHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Id(JsonElement body) => body.GetProperty("id").GetString()!;

    private static string Status(JsonElement body) => body.GetProperty("status").GetString()!;

    [Fact]
    public async Task Create_ClassicRoute_FilePlacedOnOneBackend_JobFollowedToSucceeded_RegistryHasTheModel()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());

        var created = await _h.CreateJobAsync(Alice, file, Classic, ""","suffix":"mine","hyperparameters":{"n_epochs":2}""");

        Assert.StartsWith("ftjob-", Id(created), StringComparison.Ordinal);
        Assert.Equal(file, created.GetProperty("training_file").GetString());
        Assert.Equal(FineTuningHarness.Pool, created.GetProperty("model").GetString());
        // East is tried first: the file and the job are there, and only there.
        Assert.Equal((1, 0, 1, 0), _h.Resources());

        _h.Time.Advance(TimeSpan.FromSeconds(10));
        var done = await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{Id(created)}");
        Assert.Equal("succeeded", Status(done));
        Assert.Equal(file, done.GetProperty("training_file").GetString());
        var model = done.GetProperty("fine_tuned_model").GetString()!;
        Assert.False(string.IsNullOrEmpty(model));

        var events = await _h.OkAsync(Alice, HttpMethod.Get, $"v1/fine_tuning/jobs/{Id(created)}/events?limit=50");
        Assert.NotEmpty(events.GetProperty("data").EnumerateArray());
        Assert.All(events.GetProperty("data").EnumerateArray(), e => Assert.Equal("fine_tuning.job.event", e.GetProperty("object").GetString()));
        var checkpoints = await _h.OkAsync(Alice, HttpMethod.Get, $"openai/fine_tuning/jobs/{Id(created)}/checkpoints?api-version={FineTuningHarness.ApiVersion}");
        Assert.Equal(2, checkpoints.GetProperty("data").GetArrayLength());

        var record = await _h.RegistryAsync(Id(created));
        Assert.NotNull(record);
        Assert.Equal(("east", FineTuningHarness.BaseModel, "succeeded", model), (record.Backend, record.BaseModel, record.Status, record.FineTunedModel));
        Assert.True(record.TrainedTokens > 0);
        Assert.NotNull(record.FinishedAt);
        Assert.Equal(file, record.TrainingFile);
        Assert.Equal(64, record.TrainingSha256.Length);
        using var settings = JsonDocument.Parse(record.Settings);
        Assert.Equal(2, settings.RootElement.GetProperty("hyperparameters").GetProperty("n_epochs").GetInt32());
        Assert.Equal("mine", settings.RootElement.GetProperty("suffix").GetString());
    }

    [Fact]
    public async Task SecondJob_SameFile_PlacementReused()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());

        await _h.CreateJobAsync(Alice, file);
        await _h.CreateJobAsync(Alice, file);

        Assert.Equal((1, 0, 2, 0), _h.Resources());
    }

    [Fact]
    public async Task FirstBackendFails_JobCreatedOnTheOther_FileOnlyThere()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        _h.East.Control.FailNextResourceCalls(1, 503);

        var created = await _h.CreateJobAsync(Alice, file);

        Assert.Equal((0, 1, 0, 1), _h.Resources());
        Assert.Equal("west", (await _h.RegistryAsync(Id(created)))!.Backend);
        // Every later call goes to west, where the job is.
        Assert.Equal(Id(created), Id(await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{Id(created)}")));
    }

    [Fact]
    public async Task OtherConsumer_JobAndFile_404AsIfAbsent()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        var created = await _h.CreateJobAsync(Alice, file);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{Id(created)}"),
            (HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{Id(created)}/events"),
            (HttpMethod.Post, $"openai/v1/fine_tuning/jobs/{Id(created)}/cancel"),
        })
        {
            using var response = await _h.SendAsync(Bob, method, path);
            await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }
        using var theirs = await _h.SendAsync(Bob, HttpMethod.Post, "openai/v1/fine_tuning/jobs", $$"""{"model":"tuning","training_file":"{{file}}"}""");
        await AzureErrorAssert.IsErrorAsync(theirs, HttpStatusCode.NotFound, "not_found");
        var list = await _h.OkAsync(Bob, HttpMethod.Get, "openai/v1/fine_tuning/jobs");
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        // Bob's cancel never reached the job.
        Assert.NotEqual("cancelled", Status(await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{Id(created)}")));
    }

    [Fact]
    public async Task BadInput_MissingFileWrongPurposeUnknownDeploymentNoApiVersion_RefusedBeforeAnyBackend()
    {
        var batch = await _h.UploadAsync(Alice, """{"custom_id":"1","method":"POST","url":"/chat/completions","body":{"model":"tuning","messages":[{"role":"user","content":"hi"}]}}""" + "\n", "batch");

        using (var missing = await _h.SendAsync(Alice, HttpMethod.Post, "openai/v1/fine_tuning/jobs", """{"model":"tuning","training_file":"file-nope"}"""))
        {
            var error = await AzureErrorAssert.IsErrorAsync(missing, HttpStatusCode.NotFound, "not_found");
            Assert.Equal("training_file", error.GetProperty("param").GetString());
        }
        using (var wrong = await _h.SendAsync(Alice, HttpMethod.Post, "openai/v1/fine_tuning/jobs", $$"""{"model":"tuning","training_file":"{{batch}}"}"""))
            await AzureErrorAssert.IsErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_request_error");
        using (var noFile = await _h.SendAsync(Alice, HttpMethod.Post, "openai/v1/fine_tuning/jobs", """{"model":"tuning"}"""))
            await AzureErrorAssert.IsErrorAsync(noFile, HttpStatusCode.BadRequest, "invalid_request_error");
        using (var unknown = await _h.SendAsync(Alice, HttpMethod.Post, "openai/v1/fine_tuning/jobs", $$"""{"model":"nope","training_file":"{{batch}}"}"""))
            await AzureErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "DeploymentNotFound");
        using (var noVersion = await _h.SendAsync(Alice, HttpMethod.Get, "openai/fine_tuning/jobs"))
            Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        using (var noJob = await _h.SendAsync(Alice, HttpMethod.Get, "openai/v1/fine_tuning/jobs/ftjob-nope"))
            await AzureErrorAssert.IsErrorAsync(noJob, HttpStatusCode.NotFound, "not_found");

        Assert.Equal((0, 0, 0, 0), _h.Resources());
    }

    [Fact]
    public async Task Cancel_RelayedAndRegistryCancelled()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        var created = await _h.CreateJobAsync(Alice, file);

        var cancelled = await _h.OkAsync(Alice, HttpMethod.Post, $"v1/fine_tuning/jobs/{Id(created)}/cancel");

        Assert.Equal("cancelled", Status(cancelled));
        Assert.Equal(file, cancelled.GetProperty("training_file").GetString());
        Assert.Equal("cancelled", (await _h.RegistryAsync(Id(created)))!.Status);
    }

    [Fact]
    public async Task List_NewestFirst_AfterAndLimit_RefreshedFromTheBackend()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        var first = Id(await _h.CreateJobAsync(Alice, file));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = Id(await _h.CreateJobAsync(Alice, file));

        var page = await _h.OkAsync(Alice, HttpMethod.Get, "openai/v1/fine_tuning/jobs?limit=1");
        Assert.Equal([second], page.GetProperty("data").EnumerateArray().Select(Id));
        Assert.True(page.GetProperty("has_more").GetBoolean());
        var next = await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/fine_tuning/jobs?limit=1&after={second}");
        Assert.Equal([first], next.GetProperty("data").EnumerateArray().Select(Id));
        Assert.False(next.GetProperty("has_more").GetBoolean());

        // The list asks the backends about jobs still running: after the clock moves, it shows them finished.
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        var all = await _h.OkAsync(Alice, HttpMethod.Get, "openai/v1/fine_tuning/jobs");
        Assert.All(all.GetProperty("data").EnumerateArray(), j => Assert.Equal("succeeded", Status(j)));
        Assert.Equal("succeeded", (await _h.RegistryAsync(first))!.Status);
    }

    [Fact]
    public async Task AdminApi_ReaderListsJobs_ConsumerRefused()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        var created = Id(await _h.CreateJobAsync(Alice, file));

        var listed = await _h.OkAsync(FineTuningHarness.OpsKey, HttpMethod.Get, "admin/fine-tuning/jobs?consumer=alice");

        var job = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal(created, Id(job));
        Assert.Equal("alice", job.GetProperty("consumer").GetString());
        Assert.Equal("east", job.GetProperty("backend").GetString());
        Assert.Equal(file, job.GetProperty("training_file").GetString());
        using var refused = await _h.SendAsync(Alice, HttpMethod.Get, "admin/fine-tuning/jobs");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task FinetuneListCommand_PrintsTheJobWithItsModel()
    {
        var file = await _h.UploadAsync(Alice, FineTuningHarness.TrainingJsonl());
        var created = Id(await _h.CreateJobAsync(Alice, file));
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        var model = (await _h.OkAsync(Alice, HttpMethod.Get, $"openai/v1/fine_tuning/jobs/{created}")).GetProperty("fine_tuned_model").GetString()!;

        await using (var json = TokengateProcess.Start(_h.Data.FullName, "finetune", "list", "--data", _h.Data.FullName, "--consumer", "alice", "--format", "json"))
        {
            Assert.Equal(0, await json.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            using var doc = JsonDocument.Parse(json.StandardOutput);
            var row = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal((created, "succeeded", model), (Id(row), Status(row), row.GetProperty("fine_tuned_model").GetString()));
        }
        await using var table = TokengateProcess.Start(_h.Data.FullName, "finetune", "list", "--data", _h.Data.FullName);
        Assert.Equal(0, await table.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(created, table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(model, table.StandardOutput, StringComparison.Ordinal);
    }
}
