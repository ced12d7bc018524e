using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK marks its Responses client experimental

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>The official .NET SDK's Responses client against the simulator: it deserializes what the service sends.</summary>
public sealed class ResponsesSdkTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task ResponsesClient_CreateChainStreamGetDelete_Work()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key), new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") })
            .GetResponsesClient();

        ResponseResult first = await client.CreateResponseAsync(new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Hello")]) { Instructions = "Be brief." });
        Assert.Equal(ResponseStatus.Completed, first.Status);
        Assert.StartsWith("resp_", first.Id);
        Assert.Equal("gpt-4o-2024-08-06", first.Model);
        Assert.False(string.IsNullOrEmpty(first.GetOutputText()));
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(first.GetOutputText()), first.Usage.OutputTokenCount);

        ResponseResult second = await client.CreateResponseAsync(new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("More")]) { PreviousResponseId = first.Id });
        Assert.Equal(first.Id, second.PreviousResponseId);
        // The stored turn (input and output, not its instructions) is billed again as input.
        Assert.True(second.Usage.InputTokenCount > first.Usage.OutputTokenCount + 6, $"{second.Usage.InputTokenCount} input tokens");

        var streamed = new StringBuilder();
        ResponseResult? completed = null;
        await foreach (var update in client.CreateResponseStreamingAsync(new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Stream")]) { StreamingEnabled = true }))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                streamed.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.NotNull(completed);
        Assert.Equal(completed.GetOutputText(), streamed.ToString());

        ResponseResult fetched = await client.GetResponseAsync(first.Id);
        Assert.Equal(first.GetOutputText(), fetched.GetOutputText());
        ResponseDeletionResult deleted = await client.DeleteResponseAsync(first.Id);
        Assert.True(deleted.Deleted);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(first.Id));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task ResponsesClient_ForcedFunctionCallAndBackground_Work()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key), new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") })
            .GetResponsesClient();
        var options = new CreateResponseOptions("chat", [ResponseItem.CreateUserMessageItem("Weather?")]) { ToolChoice = ResponseToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""), true, "Weather"));

        ResponseResult called = await client.CreateResponseAsync(options);
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(called.OutputItems));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.CallId);
        using var arguments = System.Text.Json.JsonDocument.Parse(call.FunctionArguments.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);

        var answer = new CreateResponseOptions("chat", [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "sunny")]) { PreviousResponseId = called.Id, BackgroundModeEnabled = true };
        ResponseResult queued = await client.CreateResponseAsync(answer);
        Assert.Equal(ResponseStatus.Queued, queued.Status);
        ResponseResult cancelled = await client.CancelResponseAsync(queued.Id);
        Assert.Contains(cancelled.Status, new ResponseStatus?[] { ResponseStatus.Completed, ResponseStatus.Cancelled });
    }
}
