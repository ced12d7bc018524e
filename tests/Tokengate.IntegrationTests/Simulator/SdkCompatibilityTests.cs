using System.ClientModel;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class SdkCompatibilityTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task OpenAIClient_V1ChatStreamingAndEmbeddings_Work()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key),
            new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") });
        var chat = client.GetChatClient("chat");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-4o-2024-08-06", completion.Model);
        Assert.Equal(ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", "Hi", null)), completion.Usage.InputTokenCount);
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens(completion.Content[0].Text), completion.Usage.OutputTokenCount);

        var streamed = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 7 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(7, ReferenceTokenCounter.O200kBase.CountTokens(streamed.ToString()));
        Assert.NotNull(usage); // the .NET SDK asks for include_usage on every stream
        Assert.Equal(7, usage.OutputTokenCount);

        OpenAIEmbedding embedding = await client.GetEmbeddingClient("embed").GenerateEmbeddingAsync("hello", new EmbeddingGenerationOptions { Dimensions = 64 });
        var vector = embedding.ToFloats();
        Assert.Equal(64, vector.Length);
        var norm = 0.0;
        foreach (var value in vector.Span)
        {
            norm += value * value;
        }

        Assert.Equal(1.0, Math.Sqrt(norm), 3);
    }

    [Fact]
    public async Task AzureOpenAIClient_ChatAndStreaming_Work()
    {
        var client = new AzureOpenAIClient(_sim.Server.Endpoint, new ApiKeyCredential(SimulatorHarness.Key));
        var chat = client.GetChatClient("chat");

        ChatCompletion completion = await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("system", "Be brief.", null), ("user", "Hi", null)), completion.Usage.InputTokenCount);

        var streamed = new System.Text.StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.NotEmpty(streamed.ToString());
    }
}
