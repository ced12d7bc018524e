using System.Text;
using System.Text.Json;

namespace Tokengate.FineTuning;

/// <summary>The create request rewritten for a backend, and the backend's answers mapped back to the consumer's names.</summary>
public sealed class FineTuningBodiesTests
{
    private static readonly FineTuningIdMap Map = new(
        new Dictionary<string, string> { ["file-backend-train"] = "file-gw-train", ["file-backend-valid"] = "file-gw-valid" },
        "gpt-4o-mini-2024-07-18", "tuning");

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void ReadCreate_AllFields_KeepsSettingsAsSent()
    {
        var (request, error) = FineTuningBodies.ReadCreate(Parse("""
            {"model":"tuning","training_file":"file-a","validation_file":"file-b","suffix":"mine","seed":7,
             "hyperparameters":{"n_epochs":2},"method":{"type":"supervised","supervised":{"hyperparameters":{"batch_size":"auto"}}}}
            """));

        Assert.Null(error);
        Assert.Equal("tuning", request!.Model);
        Assert.Equal("file-a", request.TrainingFile);
        Assert.Equal("file-b", request.ValidationFile);
        var settings = Parse(request.Settings);
        Assert.Equal(2, settings.GetProperty("hyperparameters").GetProperty("n_epochs").GetInt32());
        Assert.Equal("supervised", settings.GetProperty("method").GetProperty("type").GetString());
        Assert.Equal("mine", settings.GetProperty("suffix").GetString());
        Assert.Equal(7, settings.GetProperty("seed").GetInt32());
        Assert.False(settings.TryGetProperty("model", out _));
    }

    [Theory]
    [InlineData("""{"training_file":"file-a"}""", 400, "model")]
    [InlineData("""{"model":"tuning"}""", 400, "training_file")]
    [InlineData("""{"model":"tuning","training_file":""}""", 400, "training_file")]
    [InlineData("""{"model":"tuning","training_file":"file-a","validation_file":5}""", 400, "validation_file")]
    [InlineData("""["model"]""", 400, null)]
    public void ReadCreate_MissingOrWrongFields_400NamingTheField(string body, int status, string? param)
    {
        var (request, error) = FineTuningBodies.ReadCreate(Parse(body));

        Assert.Null(request);
        Assert.Equal(status, error!.Status);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void ReadCreate_NullValidationFile_IsNone()
    {
        var (request, _) = FineTuningBodies.ReadCreate(Parse("""{"model":"tuning","training_file":"file-a","validation_file":null}"""));

        Assert.Null(request!.ValidationFile);
        Assert.Equal("{}", request.Settings);
    }

    [Fact]
    public void RewriteCreate_ModelAndFiles_BecomeTheBackends_OtherFieldsAsSent()
    {
        var body = Parse("""{"model":"tuning","training_file":"file-gw-train","validation_file":"file-gw-valid","suffix":"s","hyperparameters":{"n_epochs":3},"metadata":{"k":"v"}}""");

        var rewritten = Parse(Encoding.UTF8.GetString(FineTuningBodies.RewriteCreate(body, "gpt-4o-mini-2024-07-18",
            new Dictionary<string, string> { ["file-gw-train"] = "file-backend-train", ["file-gw-valid"] = "file-backend-valid" })));

        Assert.Equal("gpt-4o-mini-2024-07-18", rewritten.GetProperty("model").GetString());
        Assert.Equal("file-backend-train", rewritten.GetProperty("training_file").GetString());
        Assert.Equal("file-backend-valid", rewritten.GetProperty("validation_file").GetString());
        Assert.Equal("s", rewritten.GetProperty("suffix").GetString());
        Assert.Equal(3, rewritten.GetProperty("hyperparameters").GetProperty("n_epochs").GetInt32());
        Assert.Equal("v", rewritten.GetProperty("metadata").GetProperty("k").GetString());
    }

    [Fact]
    public void MapBack_JobObject_FilesAndModelInTheConsumersNames_JobIdAndResultFilesKept()
    {
        var job = """
            {"id":"ftjob-1","object":"fine_tuning.job","model":"gpt-4o-mini-2024-07-18","training_file":"file-backend-train",
             "validation_file":"file-backend-valid","result_files":["file-backend-results"],"status":"succeeded",
             "fine_tuned_model":"gpt-4o-mini-2024-07-18.ft-1","trained_tokens":1234,"finished_at":1700000000}
            """;

        var mapped = Parse(Encoding.UTF8.GetString(FineTuningBodies.MapBack(Encoding.UTF8.GetBytes(job), Map)));

        Assert.Equal("ftjob-1", mapped.GetProperty("id").GetString());
        Assert.Equal("tuning", mapped.GetProperty("model").GetString());
        Assert.Equal("file-gw-train", mapped.GetProperty("training_file").GetString());
        Assert.Equal("file-gw-valid", mapped.GetProperty("validation_file").GetString());
        Assert.Equal("file-backend-results", mapped.GetProperty("result_files")[0].GetString());
        // The resulting model is the backend's name for it: it is deployed there.
        Assert.Equal("gpt-4o-mini-2024-07-18.ft-1", mapped.GetProperty("fine_tuned_model").GetString());
    }

    [Fact]
    public void MapBack_ListOfJobs_MapsEveryItem()
    {
        var list = """{"object":"list","data":[{"id":"ftjob-1","model":"gpt-4o-mini-2024-07-18","training_file":"file-backend-train"},{"id":"ftjob-2","training_file":"file-other"}],"has_more":false}""";

        var mapped = Parse(Encoding.UTF8.GetString(FineTuningBodies.MapBack(Encoding.UTF8.GetBytes(list), Map)));

        var data = mapped.GetProperty("data");
        Assert.Equal("file-gw-train", data[0].GetProperty("training_file").GetString());
        Assert.Equal("tuning", data[0].GetProperty("model").GetString());
        Assert.Equal("file-other", data[1].GetProperty("training_file").GetString());
        Assert.False(mapped.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public void MapBack_ModelOnlyInModelFields_TextElsewhereKept()
    {
        var events = """{"object":"list","data":[{"object":"fine_tuning.job.event","message":"gpt-4o-mini-2024-07-18","level":"info"}]}""";

        var mapped = Parse(Encoding.UTF8.GetString(FineTuningBodies.MapBack(Encoding.UTF8.GetBytes(events), Map)));

        Assert.Equal("gpt-4o-mini-2024-07-18", mapped.GetProperty("data")[0].GetProperty("message").GetString());
    }

    [Fact]
    public void MapBack_NotJson_AsItCame()
    {
        var bytes = Encoding.UTF8.GetBytes("upstream said no");

        Assert.Equal(bytes, FineTuningBodies.MapBack(bytes, Map));
    }

    [Fact]
    public void ReadJob_State_StatusModelTokensFinish()
    {
        var state = FineTuningBodies.ReadJob("""{"id":"ftjob-1","status":"succeeded","fine_tuned_model":"m.ft-1","trained_tokens":99,"finished_at":1700000000}"""u8);

        Assert.Equal(new FineTuningJobState("ftjob-1", "succeeded", "m.ft-1", 99, DateTimeOffset.FromUnixTimeSeconds(1700000000)), state);
    }

    [Fact]
    public void ReadJob_Running_NullsWhereNothingYet()
    {
        var state = FineTuningBodies.ReadJob("""{"id":"ftjob-1","status":"running","fine_tuned_model":null,"trained_tokens":null,"finished_at":null}"""u8);

        Assert.Equal(new FineTuningJobState("ftjob-1", "running", null, null, null), state);
        Assert.Equal(default, FineTuningBodies.ReadJob("not json"u8));
    }

    [Fact]
    public void JobList_NewestFirstAsGiven_WithHasMore()
    {
        var list = Parse(Encoding.UTF8.GetString(FineTuningBodies.JobList(["""{"id":"ftjob-2"}""", """{"id":"ftjob-1"}"""], hasMore: true)));

        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal(["ftjob-2", "ftjob-1"], list.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.True(list.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public void IdMap_FromRecord_BothFiles()
    {
        var job = new FineTuningJobRecord("ftjob-1", "alice", "tuning", "east", "gpt-4o-mini-2024-07-18", "file-gw-train", "abc", "file-gw-valid",
            "file-backend-train", "file-backend-valid", "{}", "running", null, null, DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch, "{}");

        var map = job.IdMap();

        Assert.Equal("file-gw-train", map.Files["file-backend-train"]);
        Assert.Equal("file-gw-valid", map.Files["file-backend-valid"]);
        Assert.Equal("tuning", map.Pool);
        Assert.True(job.IsActive);
        Assert.False((job with { Status = "cancelled" }).IsActive);
    }
}
