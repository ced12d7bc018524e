using System.ClientModel;
using System.Text;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Files;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Files;

/// <summary>The NuGet file clients (<c>OpenAI</c> on the v1 route, <c>Azure.AI.OpenAI</c> on the classic one), unchanged, through <c>tokengate up</c>.</summary>
public sealed class DotNetSdkFilesTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAIFileClient_UploadListDownloadDelete_OnBothRoutes()
    {
        var v1 = new OpenAIClient(new ApiKeyCredential(_up.Key), new OpenAIClientOptions { Endpoint = new Uri(_up.Endpoint, "openai/v1/") }).GetOpenAIFileClient();
        var options = new AzureOpenAIClientOptions();
        var requests = new SdkRequestLog();
        options.AddPolicy(requests, System.ClientModel.Primitives.PipelinePosition.PerCall);
        var azure = new AzureOpenAIClient(_up.Endpoint, new ApiKeyCredential(_up.Key), options).GetOpenAIFileClient();
        foreach (var client in new[] { v1, azure })
        {
            var bytes = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n");
            OpenAIFile created = await client.UploadFileAsync(BinaryData.FromBytes(bytes), "train.jsonl", FileUploadPurpose.FineTune);
            Assert.StartsWith("file-", created.Id, StringComparison.Ordinal);
            Assert.Equal(bytes.Length, created.SizeInBytes);
            Assert.Equal(FilePurpose.FineTune, created.Purpose);

            if (client == v1)
            {
                // Azure.AI.OpenAI 2.9.0-beta.1 lists files at "/files", without the "/openai" prefix (the service would
                // not find that either): the list is checked with the OpenAI client only.
                OpenAIFileCollection listed = await client.GetFilesAsync();
                Assert.Contains(listed, f => f.Id == created.Id);
            }
            else
            {
                Assert.Contains(requests.Uris, u => u.AbsolutePath == "/openai/files" && u.Query.Contains("api-version=", StringComparison.Ordinal));
            }
            BinaryData content = await client.DownloadFileAsync(created.Id);
            Assert.Equal(bytes, content.ToArray());

            FileDeletionResult deleted = await client.DeleteFileAsync(created.Id);
            Assert.True(deleted.Deleted);
            var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetFileAsync(created.Id));
            Assert.Equal(404, missing.Status);
        }
    }
}
