using System.ClientModel;
using OpenAI;
using OpenAI.FineTuning;

#pragma warning disable OPENAI001 // the fine-tuning client is marked experimental

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>The OpenAI .NET client's fine-tuning calls through the gateway: create, follow to succeeded, events, cancel.</summary>
public sealed class DotNetSdkFineTuningTests : IAsyncLifetime
{
    private FineTuningHarness _h = null!;

    public async Task InitializeAsync() => _h = await FineTuningHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private FineTuningClient Client() => new OpenAIClient(new ApiKeyCredential(FineTuningHarness.AliceKey),
        new OpenAIClientOptions { Endpoint = new Uri(_h.Gateway.Endpoint, "openai/v1/"), NetworkTimeout = TimeSpan.FromSeconds(30) }).GetFineTuningClient();

    [Fact]
    public async Task FineTune_FollowedToSucceeded_EventsListed_SecondJobCancelled()
    {
        var file = await _h.UploadAsync(FineTuningHarness.AliceKey, FineTuningHarness.TrainingJsonl());
        var client = Client();

        var job = await client.FineTuneAsync(FineTuningHarness.Pool, file, waitUntilCompleted: false);

        Assert.StartsWith("ftjob-", job.JobId, StringComparison.Ordinal);
        Assert.Equal(file, job.TrainingFileId);
        Assert.Equal(FineTuningHarness.Pool, job.BaseModel);
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        await job.UpdateStatusAsync();
        Assert.True(job.HasCompleted);
        Assert.Equal(FineTuningStatus.Succeeded, job.Status);
        Assert.False(string.IsNullOrEmpty((await _h.RegistryAsync(job.JobId))!.FineTunedModel));
        var events = new List<string>();
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 50 })) events.Add(e.Message);
        Assert.NotEmpty(events);

        var second = await client.FineTuneAsync(FineTuningHarness.Pool, file, waitUntilCompleted: false);
        await second.CancelAndUpdateAsync();
        Assert.Equal(FineTuningStatus.Cancelled, second.Status);
    }
}
