using System.ClientModel;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Sdk;

/// <summary>The NuGet clients, unchanged, through the gateway of <c>tokengate up</c>.</summary>
public sealed class DotNetSdkTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task AzureOpenAIClient_ChatStreamingAndEmbeddings_Succeed()
    {
        var client = new AzureOpenAIClient(_up.Endpoint, new ApiKeyCredential(_up.Key));
        await AssertChatAsync(client.GetChatClient(UpEnvironment.ChatDeployment));
        await AssertStreamingChatAsync(client.GetChatClient(UpEnvironment.ChatDeployment));
        await AssertEmbeddingsAsync(client.GetEmbeddingClient(UpEnvironment.EmbeddingsDeployment));
    }

    [Fact]
    public async Task OpenAIClient_OnV1Route_ChatStreamingAndEmbeddings_Succeed()
    {
        var client = new OpenAIClient(new ApiKeyCredential(_up.Key), new OpenAIClientOptions { Endpoint = new Uri(_up.Endpoint, "openai/v1/") });
        await AssertChatAsync(client.GetChatClient(UpEnvironment.ChatDeployment));
        await AssertStreamingChatAsync(client.GetChatClient(UpEnvironment.ChatAlias));
        await AssertEmbeddingsAsync(client.GetEmbeddingClient(UpEnvironment.EmbeddingsDeployment));
    }

    [Fact]
    public async Task OpenAIClient_OnOpenAIStyleRoute_Chat_Succeeds()
    {
        var client = new OpenAIClient(new ApiKeyCredential(_up.Key), new OpenAIClientOptions { Endpoint = new Uri(_up.Endpoint, "v1/") });
        await AssertChatAsync(client.GetChatClient(UpEnvironment.ChatDeployment));
    }

    [Fact]
    public async Task AzureOpenAIClient_WrongKey_ThrowsUnauthorized()
    {
        var client = new AzureOpenAIClient(_up.Endpoint, new ApiKeyCredential("tg_wrong"));
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            client.GetChatClient(UpEnvironment.ChatDeployment).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, ex.Status);
    }

    private static async Task AssertChatAsync(ChatClient chat)
    {
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello to the gateway.")], new ChatCompletionOptions { MaxOutputTokenCount = 12 });
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 12);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    private static async Task AssertStreamingChatAsync(ChatClient chat)
    {
        var text = "";
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream a few words.")], new ChatCompletionOptions { MaxOutputTokenCount = 10 }))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text += part.Text;
            usage ??= update.Usage;
        }
        Assert.True(updates > 2, $"expected several updates, got {updates}");
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.NotNull(usage);
        Assert.InRange(usage.OutputTokenCount, 1, 10);
    }

    private static async Task AssertEmbeddingsAsync(EmbeddingClient embeddings)
    {
        OpenAIEmbeddingCollection result = await embeddings.GenerateEmbeddingsAsync(["alpha", "beta"]);
        Assert.Equal(2, result.Count);
        Assert.Equal(1536, result[0].ToFloats().Length);
        Assert.NotEqual(result[0].ToFloats().ToArray(), result[1].ToFloats().ToArray());
    }
}
