using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;
using OpenAI.Responses;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

// The Responses client and its types are marked experimental in the OpenAI package.
#pragma warning disable OPENAI001

namespace Tokengate.IntegrationTests.Sdk;

/// <summary>
/// The NuGet clients, unchanged, through the gateway of <c>tokengate up</c>: the Responses API (plain, streamed, a
/// follow-up with <c>PreviousResponseId</c>, retrieve) and a forced tool call and a JSON-schema response format on chat,
/// on <c>AzureOpenAIClient</c> (classic and preview routes) and <c>OpenAIClient</c> on /openai/v1/; model discovery
/// on the v1 client only (<c>AzureOpenAIClient.GetOpenAIModelClient()</c> throws NotSupportedException by design).
/// </summary>
public sealed class DotNetSdkResponsesTests : IAsyncLifetime
{
    private static readonly BinaryData WeatherParameters = BinaryData.FromString("""
        {
          "type": "object",
          "properties": {
            "city": { "type": "string" },
            "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] },
            "days": { "type": "integer" }
          },
          "required": ["city", "unit", "days"],
          "additionalProperties": false
        }
        """);

    private static readonly BinaryData CityFactsSchema = BinaryData.FromString("""
        {
          "type": "object",
          "properties": {
            "city": { "type": "string" },
            "population": { "type": "integer" },
            "landmarks": { "type": "array", "items": { "type": "string" } },
            "capital": { "type": "boolean" }
          },
          "required": ["city", "population", "landmarks", "capital"],
          "additionalProperties": false
        }
        """);

    private readonly SdkRequestLog _requests = new();
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task AzureOpenAIClient_Responses_PlainStreamedFollowUpAndRetrieve_Succeed()
    {
        var responses = AzureClient().GetResponsesClient();
        await AssertResponsesAsync(responses);
        // Azure.AI.OpenAI sends the Responses calls to the preview routes, with its default api-version.
        Assert.Contains(_requests.Uris, u => u.AbsolutePath == "/openai/responses" && u.Query.Contains("api-version=", StringComparison.Ordinal));
        Assert.Contains(_requests.Uris, u => u.AbsolutePath.StartsWith("/openai/responses/resp_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAIClient_OnV1Route_Responses_PlainStreamedFollowUpAndRetrieve_Succeed()
    {
        var responses = V1Client().GetResponsesClient();
        await AssertResponsesAsync(responses);
        Assert.Contains(_requests.Uris, u => u.AbsolutePath == "/openai/v1/responses");
        Assert.Contains(_requests.Uris, u => u.AbsolutePath.StartsWith("/openai/v1/responses/resp_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AzureOpenAIClient_Chat_ForcedToolCallAndJsonSchema_Succeed()
    {
        var chat = AzureClient().GetChatClient(UpEnvironment.ChatDeployment);
        await AssertForcedToolCallAsync(chat);
        await AssertJsonSchemaAsync(chat);
        Assert.All(_requests.Uris, u => Assert.Equal($"/openai/deployments/{UpEnvironment.ChatDeployment}/chat/completions", u.AbsolutePath));
    }

    [Fact]
    public async Task OpenAIClient_OnV1Route_Chat_ForcedToolCallAndJsonSchema_Succeed()
    {
        var chat = V1Client().GetChatClient(UpEnvironment.ChatDeployment);
        await AssertForcedToolCallAsync(chat);
        await AssertJsonSchemaAsync(chat);
        Assert.All(_requests.Uris, u => Assert.Equal("/openai/v1/chat/completions", u.AbsolutePath));
    }

    [Fact]
    public async Task OpenAIClient_OnV1Route_Models_ListsTheDeployments()
    {
        var client = V1Client().GetOpenAIModelClient();
        OpenAIModelCollection models = await client.GetModelsAsync();
        // Every name a request may use as model: the pools and their aliases.
        Assert.Equal(new[] { UpEnvironment.ChatAlias, UpEnvironment.EmbeddingsAlias, UpEnvironment.ChatDeployment, UpEnvironment.EmbeddingsDeployment }.Concat(UpEnvironment.MediaDeployments.Select(d => d.Deployment)).Order(StringComparer.Ordinal),
            models.Select(m => m.Id).Order(StringComparer.Ordinal));
        OpenAIModel one = await client.GetModelAsync(UpEnvironment.ChatDeployment);
        Assert.Equal(UpEnvironment.ChatDeployment, one.Id);
    }

    private AzureOpenAIClient AzureClient()
    {
        var options = new AzureOpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        options.AddPolicy(_requests, PipelinePosition.PerCall);
        return new AzureOpenAIClient(_up.Endpoint, new ApiKeyCredential(_up.Key), options);
    }

    private OpenAIClient V1Client()
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(_up.Endpoint, "openai/v1/"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        options.AddPolicy(_requests, PipelinePosition.PerCall);
        return new OpenAIClient(new ApiKeyCredential(_up.Key), options);
    }

    private static async Task AssertResponsesAsync(ResponsesClient responses)
    {
        // Plain.
        ResponseResult plain = await responses.CreateResponseAsync(UpEnvironment.ChatDeployment, "Say hello to the gateway.", previousResponseId: null);
        Assert.StartsWith("resp_", plain.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, plain.Status);
        Assert.False(string.IsNullOrWhiteSpace(plain.GetOutputText()));
        AssertUsage(plain.Usage);

        // Streamed: the text arrives in deltas and the completed update carries the whole response with its usage.
        var deltas = "";
        var updates = new List<StreamingResponseUpdate>();
        var sequence = new List<int>();
        ResponseResult? completed = null;
        await foreach (var update in responses.CreateResponseStreamingAsync(UpEnvironment.ChatDeployment, "Stream a few words.", previousResponseId: null))
        {
            updates.Add(update);
            sequence.Add(update.SequenceNumber);
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    deltas += delta.Delta;
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }
        var kinds = string.Join(", ", updates.Select(u => u.GetType().Name));
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
        Assert.DoesNotContain(updates, u => u is StreamingResponseErrorUpdate or StreamingResponseFailedUpdate or StreamingResponseIncompleteUpdate);
        Assert.True(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Count() > 1, $"expected several text deltas, got {kinds}");
        Assert.Equal(Enumerable.Range(sequence[0], sequence.Count), sequence);
        Assert.NotNull(completed);
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.False(string.IsNullOrWhiteSpace(deltas));
        Assert.Equal(deltas, completed.GetOutputText());
        AssertUsage(completed.Usage);

        // A second turn on the first: the stored conversation is part of its input, so it must reach the same backend.
        ResponseResult first = await responses.CreateResponseAsync(UpEnvironment.ChatDeployment, "My name is Ada. Please remember it.", previousResponseId: null);
        ResponseResult second = await responses.CreateResponseAsync(UpEnvironment.ChatDeployment, "What is my name?", previousResponseId: first.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Id, second.PreviousResponseId);
        Assert.Equal(ResponseStatus.Completed, second.Status);
        Assert.False(string.IsNullOrWhiteSpace(second.GetOutputText()));
        AssertUsage(second.Usage);
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount + first.Usage.OutputTokenCount,
            $"the follow-up's input ({second.Usage.InputTokenCount} tokens) should hold the first turn ({first.Usage.InputTokenCount} + {first.Usage.OutputTokenCount})");

        // Retrieve the stored first turn.
        ResponseResult retrieved = await responses.GetResponseAsync(first.Id);
        Assert.Equal(first.Id, retrieved.Id);
        Assert.Equal(ResponseStatus.Completed, retrieved.Status);
        Assert.Equal(first.GetOutputText(), retrieved.GetOutputText());
        Assert.Equal(first.Usage.TotalTokenCount, retrieved.Usage.TotalTokenCount);
    }

    private static void AssertUsage(ResponseTokenUsage usage)
    {
        Assert.NotNull(usage);
        Assert.True(usage.InputTokenCount > 0);
        Assert.True(usage.OutputTokenCount > 0);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }

    private static async Task AssertForcedToolCallAsync(ChatClient chat)
    {
        var tool = ChatTool.CreateFunctionTool("get_weather", "Current weather for a city.", WeatherParameters, functionSchemaIsStrict: true);
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("What is the weather in Lisbon for the next three days?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(ChatToolCallKind.Function, call.Kind);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        var root = arguments.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("city").ValueKind);
        Assert.Contains(root.GetProperty("unit").GetString(), new[] { "celsius", "fahrenheit" });
        Assert.True(root.GetProperty("days").TryGetInt64(out _), $"days is not an integer: {root}");
        Assert.Equal(3, root.EnumerateObject().Count());
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    private static async Task AssertJsonSchemaAsync(ChatClient chat)
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("city_facts", CityFactsSchema, jsonSchemaIsStrict: true),
        };
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Give me facts about Lisbon.")], options);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        using var content = JsonDocument.Parse(completion.Content[0].Text);
        var root = content.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("city").ValueKind);
        Assert.True(root.GetProperty("population").TryGetInt64(out _), $"population is not an integer: {root}");
        Assert.Equal(JsonValueKind.Array, root.GetProperty("landmarks").ValueKind);
        Assert.All(root.GetProperty("landmarks").EnumerateArray(), l => Assert.Equal(JsonValueKind.String, l.ValueKind));
        Assert.True(root.GetProperty("capital").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.Equal(4, root.EnumerateObject().Count());
    }
}
