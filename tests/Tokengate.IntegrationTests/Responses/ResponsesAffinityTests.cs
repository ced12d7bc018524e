using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Responses;

/// <summary>
/// Stored responses through the gateway: every follow-up goes to the backend that holds the response, nobody but
/// its owner can see it, and a pinned request that cannot be served says when it can, instead of failing over to a
/// backend that would not know the response.
/// </summary>
public sealed class ResponsesAffinityTests : IAsyncLifetime
{
    private ResponsesHarness _h = null!;

    public async Task InitializeAsync() => _h = await ResponsesHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Conversations_UnderLoad_EveryFollowUpLandsOnItsPinnedBackend()
    {
        // Twelve conversations of five turns, four at a time: they start on whichever backend the pool picks, and every
        // later turn must reach that backend (any other would answer previous_response_not_found).
        using var gate = new SemaphoreSlim(4);
        var conversations = Enumerable.Range(0, 12).Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                var id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, $"Conversation {c} begins");
                for (var turn = 1; turn < 5; turn++) id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, $"Turn {turn}", previous: id);
                return id;
            }
            finally
            {
                gate.Release();
            }
        });
        var last = await Task.WhenAll(conversations);

        Assert.Equal(12, last.Distinct().Count());
        Assert.Equal(60, _h.Received().Sum());
        // Each conversation's last response can be read back: it is on the backend its record names.
        foreach (var id in last)
        {
            using var read = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
    }

    [Fact]
    public async Task PinnedBackendThrottled_429WithItsRetryAfter_NeverPreviousResponseNotFound()
    {
        var id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, "Hello");
        var before = _h.Received();
        var pinned = Array.IndexOf(before, before.Max());
        _h.Backends[pinned].Control.ThrottleFor(ResponsesHarness.Deployment, TimeSpan.FromSeconds(30), retryAfter: TimeSpan.FromSeconds(7));

        using var response = await _h.CreateAsync(ResponsesHarness.AliceKey,
            $$"""{"model":"chat","input":"And then?","previous_response_id":"{{id}}"}""");

        var error = await AzureErrorAssert.IsErrorAsync(response, (HttpStatusCode)429, "429");
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        Assert.DoesNotContain("previous_response_not_found", error.ToString(), StringComparison.Ordinal);
        // Only the pinned backend was asked; the others were never tried.
        var after = _h.Received();
        for (var i = 0; i < after.Length; i++) Assert.Equal(before[i] + (i == pinned ? 1 : 0), after[i]);

        // While it rests, the gateway answers at once, with the time left.
        using var again = await _h.CreateAsync(ResponsesHarness.AliceKey, $$"""{"model":"chat","input":"Still there?","previous_response_id":"{{id}}"}""");
        await AzureErrorAssert.IsErrorAsync(again, (HttpStatusCode)429, "429");
        Assert.Equal(after, _h.Received());
    }

    [Fact]
    public async Task StoreFalse_NoReferences_FailsOverLikeChat()
    {
        _h.Backends[0].Control.Update(ResponsesHarness.Deployment, o => o.Faults.ConnectionResetRate = 1.0);
        _h.Backends[1].Control.Update(ResponsesHarness.Deployment, o => o.Faults.ConnectionResetRate = 1.0);

        for (var i = 0; i < 5; i++)
        {
            using var response = await _h.CreateAsync(ResponsesHarness.BobKey, """{"model":"chat","input":"Hi","store":false}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("GET", "openai/v1/responses/{id}")]
    [InlineData("DELETE", "openai/v1/responses/{id}")]
    [InlineData("POST", "openai/v1/responses/{id}/cancel")]
    [InlineData("GET", "openai/v1/responses/{id}/input_items")]
    [InlineData("GET", "v1/responses/{id}")]
    [InlineData("GET", "openai/responses/{id}?api-version=2025-04-01-preview")]
    public async Task AnotherConsumersResponse_404AsIfItDidNotExist(string method, string path)
    {
        var id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, "Alice's secret");
        var received = _h.Received().Sum();

        using var bob = await _h.SendAsync(ResponsesHarness.BobKey, new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal));
        using var unknown = await _h.SendAsync(ResponsesHarness.BobKey, new HttpMethod(method), path.Replace("{id}", "resp_doesnotexist", StringComparison.Ordinal));

        var error = await AzureErrorAssert.IsErrorAsync(bob, HttpStatusCode.NotFound, "not_found");
        var unknownError = await AzureErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(unknownError.GetProperty("message").GetString()!.Replace("resp_doesnotexist", id, StringComparison.Ordinal), error.GetProperty("message").GetString());
        Assert.Equal(received, _h.Received().Sum());
        // The owner still has it.
        using var alice = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
    }

    [Fact]
    public async Task AnotherConsumersResponse_AsPreviousResponseId_404AsIfItDidNotExist()
    {
        var id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, "Alice's secret");
        var received = _h.Received().Sum();

        using var bob = await _h.CreateAsync(ResponsesHarness.BobKey, $$"""{"model":"chat","input":"Tell me","previous_response_id":"{{id}}"}""");

        await AzureErrorAssert.IsErrorAsync(bob, HttpStatusCode.NotFound, "previous_response_not_found");
        Assert.Equal(received, _h.Received().Sum());
    }

    [Fact]
    public async Task LifecycleCalls_ReachThePinnedBackend()
    {
        var id = await _h.CreateStoredAsync(ResponsesHarness.AliceKey, "Hello");

        using var items = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}/input_items");
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        using (var list = JsonDocument.Parse(await items.Content.ReadAsStringAsync()))
            Assert.Equal("list", list.RootElement.GetProperty("object").GetString());

        using var deleted = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Delete, $"openai/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task Streamed_LedgerTokensEqualTheTerminalEventsUsage_AndNoDoneMarker()
    {
        using var response = await _h.CreateAsync(ResponsesHarness.AliceKey, """{"model":"chat","input":"Tell me a story","max_output_tokens":40,"stream":true}""", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        // A terminal event (completed, or incomplete when max_output_tokens cut the answer) carries the usage.
        var completed = text.Split("\n\n").SingleOrDefault(e => e.StartsWith("event: response.completed", StringComparison.Ordinal) || e.StartsWith("event: response.incomplete", StringComparison.Ordinal));
        Assert.True(completed is not null, text);
        using var json = JsonDocument.Parse(completed[(completed.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
        var usage = json.RootElement.GetProperty("response").GetProperty("usage");
        var ledger = await LedgerAsync(1);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), ledger.Prompt);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt64(), ledger.Completion);
    }

    [Fact]
    public async Task Streamed_UpstreamCut_EndsWithAnErrorEventInTheResponsesShape()
    {
        foreach (var backend in _h.Backends)
        {
            backend.Control.Update(ResponsesHarness.Deployment, o =>
            {
                o.Faults.MidStreamCutNextCount = 1;
                o.Faults.MidStreamCutAfterChunks = 2;
            });
        }

        using var response = await _h.CreateAsync(ResponsesHarness.AliceKey, """{"model":"chat","input":"Tell me a long story","max_output_tokens":60,"stream":true}""", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        var last = events[^1];
        Assert.StartsWith("event: error\ndata: ", last, StringComparison.Ordinal);
        using var error = JsonDocument.Parse(last["event: error\ndata: ".Length..]);
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("stream_interrupted", error.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(events, e => e.StartsWith("event: response.completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Background_PolledToCompletion_UsageMeteredOnce_AndItsStreamResumesFromASequenceNumber()
    {
        string id;
        using (var created = await _h.CreateAsync(ResponsesHarness.AliceKey, """{"model":"chat","input":"Work on this in the background","max_output_tokens":30,"background":true}"""))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            id = json.RootElement.GetProperty("id").GetString()!;
            Assert.True(json.RootElement.GetProperty("background").GetBoolean());
        }

        // Poll until it is finished; then poll twice more: only the first sight of its usage is metered.
        JsonElement usage = default;
        var polls = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            polls++;
            using var polled = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}");
            Assert.Equal(HttpStatusCode.OK, polled.StatusCode);
            using var json = JsonDocument.Parse(await polled.Content.ReadAsStringAsync());
            if (json.RootElement.GetProperty("status").GetString() is "completed" or "incomplete")
            {
                usage = json.RootElement.GetProperty("usage").Clone();
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the background response did not finish within 20 s");
            await Task.Delay(10);
        }
        for (var i = 0; i < 2; i++)
        {
            using var again = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using var resumed = await _h.SendAsync(ResponsesHarness.AliceKey, HttpMethod.Get, $"openai/v1/responses/{id}?stream=true&starting_after=2", stream: true);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var events = (await resumed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            using var data = JsonDocument.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
            Assert.True(data.RootElement.GetProperty("sequence_number").GetInt64() > 2, e);
        });
        Assert.DoesNotContain(events, e => e.StartsWith("event: error", StringComparison.Ordinal));

        var records = 1 + polls + 2 + 1;  // create, the polls until finished, two more, the resumed stream
        var ledger = await LedgerAsync(records);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), ledger.Prompt);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt64(), ledger.Completion);
    }

    private async Task<(long Records, long Prompt, long Completion, long Cost)> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var totals = await LimitsHarness.ReadLedgerAsync(_h.Gateway.Data);
            if (totals.Records >= count || DateTime.UtcNow > deadline) return totals;
            await Task.Delay(25);
        }
    }
}
