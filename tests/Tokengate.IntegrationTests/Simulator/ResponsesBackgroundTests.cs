using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Background responses on a fake clock: every status change happens exactly when the test moves time.</summary>
public sealed class ResponsesBackgroundTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync()
    {
        _sim = await SimulatorHarness.StartAsync(time: _time);
        _sim.Control.Update("chat", o =>
        {
            o.Latency.BackgroundQueueMs = 1_000;
            o.Latency.TimeToFirstTokenMs = 200;
            o.Latency.PerTokenMs = 10;
        });
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Background_QueuedThenInProgressThenCompleted_AsTheClockMoves()
    {
        var created = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Take your time","background":true}""");
        var id = created.GetProperty("id").GetString()!;

        Assert.Equal("queued", created.GetProperty("status").GetString());
        Assert.True(created.GetProperty("background").GetBoolean());
        Assert.Empty(created.GetProperty("output").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("usage").ValueKind);
        Assert.Equal("queued", (await GetAsync(id)).GetProperty("status").GetString());

        _time.Advance(TimeSpan.FromMilliseconds(1_000));
        var started = await GetAsync(id);
        Assert.Equal("in_progress", started.GetProperty("status").GetString());
        Assert.Empty(started.GetProperty("output").EnumerateArray()); // before the first token

        _time.Advance(TimeSpan.FromMilliseconds(250)); // first token at 200 ms, then one per 10 ms
        var partial = await GetAsync(id);
        Assert.Equal("in_progress", partial.GetProperty("status").GetString());
        Assert.Equal("in_progress", partial.GetProperty("output")[0].GetProperty("status").GetString());
        var partialText = ResponsesHarness.OutputText(partial);
        Assert.Equal(5, ReferenceTokenCounter.O200kBase.CountTokens(partialText));
        Assert.Equal(0, _sim.Control.GetStats("chat").Succeeded);

        _time.Advance(TimeSpan.FromSeconds(5));
        var done = await GetAsync(id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var text = ResponsesHarness.OutputText(done);
        Assert.StartsWith(partialText, text, StringComparison.Ordinal);
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(text), done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(done.GetProperty("completed_at").GetInt64() >= done.GetProperty("created_at").GetInt64());
        var stats = _sim.Control.GetStats("chat");
        Assert.Equal(1, stats.Succeeded);
        Assert.Equal(done.GetProperty("usage").GetProperty("output_tokens").GetInt32(), stats.CompletionTokens);
    }

    [Fact]
    public async Task Background_CompletesAndSettlesWithoutAnyPoll()
    {
        await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Nobody polls","background":true}""");
        Assert.Equal(0, _sim.Control.GetStats("chat").Succeeded);

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, _sim.Control.GetStats("chat").Succeeded);
    }

    [Fact]
    public async Task Cancel_InProgress_CancelledAndRepeatsReturnTheSameObject()
    {
        var created = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Cancel me","background":true}""");
        var id = created.GetProperty("id").GetString()!;
        _time.Advance(TimeSpan.FromMilliseconds(1_230));

        var (status, cancelled) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Post, $"{ResponsesHarness.V1}/{id}/cancel");

        Assert.Equal(200, status);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(3, ReferenceTokenCounter.O200kBase.CountTokens(ResponsesHarness.OutputText(cancelled)));
        var (_, again) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Post, $"{ResponsesHarness.V1}/{id}/cancel");
        Assert.Equal("cancelled", again.GetProperty("status").GetString());
        Assert.Equal(ResponsesHarness.OutputText(cancelled), ResponsesHarness.OutputText(again));

        _time.Advance(TimeSpan.FromMinutes(1));
        var later = await GetAsync(id);
        Assert.Equal("cancelled", later.GetProperty("status").GetString());
        Assert.Equal(ResponsesHarness.OutputText(cancelled), ResponsesHarness.OutputText(later));
        var stats = _sim.Control.GetStats("chat");
        Assert.Equal((0, 1), (stats.Succeeded, stats.Failed));
    }

    [Fact]
    public async Task Cancel_AfterCompletion_ReturnsTheCompletedObject()
    {
        var created = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Too late","background":true}""");
        _time.Advance(TimeSpan.FromMinutes(1));

        var (status, body) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Post, ResponsesHarness.Preview($"/{created.GetProperty("id").GetString()}/cancel"));

        Assert.Equal(200, status);
        Assert.Equal("completed", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stream_ResumeStartingAfter_ContinuesFromTheNextSequenceNumber()
    {
        var created = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Resume me","background":true}""");
        var path = $"{ResponsesHarness.V1}/{created.GetProperty("id").GetString()}?stream=true";
        _time.Advance(TimeSpan.FromMinutes(1));

        var all = await ResponsesHarness.GetStreamAsync(_sim, path);
        Assert.Equal(["response.created", "response.queued", "response.in_progress"], all.Take(3).Select(e => e.Type));
        Assert.Equal("queued", all[0].Data.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("response.completed", all[^1].Type);
        Assert.Equal(Enumerable.Range(0, all.Count), all.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));

        var resumeAt = all.FindIndex(e => e.Type == "response.output_text.delta") + 4;
        var rest = await ResponsesHarness.GetStreamAsync(_sim, $"{path}&starting_after={resumeAt}");

        Assert.Equal(Enumerable.Range(resumeAt + 1, all.Count - resumeAt - 1), rest.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal(all.Skip(resumeAt + 1).Select(e => e.Type), rest.Select(e => e.Type));
        var fullText = all[^1].Data.GetProperty("response");
        var head = string.Concat(all.Take(resumeAt + 1).Where(e => e.Type == "response.output_text.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        var tail = string.Concat(rest.Where(e => e.Type == "response.output_text.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.Equal(ResponsesHarness.OutputText(fullText), head + tail);
    }

    [Fact]
    public async Task Stream_OfCancelledResponse_EndsWhereTheCancelHappened()
    {
        var created = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Stop midway","background":true}""");
        var id = created.GetProperty("id").GetString()!;
        _time.Advance(TimeSpan.FromMilliseconds(1_250));
        await ResponsesHarness.SendAsync(_sim, HttpMethod.Post, $"{ResponsesHarness.V1}/{id}/cancel");

        var events = await ResponsesHarness.GetStreamAsync(_sim, $"{ResponsesHarness.V1}/{id}?stream=true");

        Assert.Equal(5, events.Count(e => e.Type == "response.output_text.delta"));
        Assert.DoesNotContain(events, e => e.Type == "response.completed");
    }

    private async Task<JsonElement> GetAsync(string id)
    {
        var (status, body) = await ResponsesHarness.SendAsync(_sim, HttpMethod.Get, $"{ResponsesHarness.V1}/{id}");
        Assert.Equal(200, status);
        return body;
    }
}
