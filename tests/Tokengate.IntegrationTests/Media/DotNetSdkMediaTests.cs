using System.ClientModel;
using Azure.AI.OpenAI;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Media;

/// <summary>The NuGet clients' image generation and transcription, unchanged, through the gateway of <c>tokengate up</c>.</summary>
public sealed class DotNetSdkMediaTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task AzureOpenAIClient_ImageGenerationAndTranscription_Succeed()
    {
        var client = new AzureOpenAIClient(_up.Endpoint, new ApiKeyCredential(_up.Key));

        GeneratedImage image = await client.GetImageClient("gpt-image-1").GenerateImageAsync("A lighthouse at dawn",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024, Quality = new GeneratedImageQuality("low") });
        AssertPng(image.ImageBytes);

        GeneratedImage dalle = await client.GetImageClient("dall-e-3").GenerateImageAsync("A lighthouse at dawn",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024, ResponseFormat = GeneratedImageFormat.Bytes });
        AssertPng(dalle.ImageBytes);

        await AssertTranscriptionAsync(client.GetAudioClient("whisper"));
    }

    [Fact]
    public async Task OpenAIClient_OnV1Route_ImageGenerationAndTranscription_Succeed()
    {
        var client = new OpenAIClient(new ApiKeyCredential(_up.Key), new OpenAIClientOptions { Endpoint = new Uri(_up.Endpoint, "openai/v1/") });

        GeneratedImage image = await client.GetImageClient("gpt-image-1").GenerateImageAsync("A lighthouse at dawn",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024, Quality = new GeneratedImageQuality("low") });
        AssertPng(image.ImageBytes);

        await AssertTranscriptionAsync(client.GetAudioClient("whisper"));
        await AssertTranscriptionAsync(client.GetAudioClient("gpt-4o-transcribe"));
    }

    private static async Task AssertTranscriptionAsync(AudioClient audio)
    {
        using var wav = new MemoryStream(Fixtures.Wav(2.0));
        AudioTranscription transcription = await audio.TranscribeAudioAsync(wav, "hello.wav");
        Assert.False(string.IsNullOrWhiteSpace(transcription.Text));
    }

    private static void AssertPng(BinaryData bytes)
    {
        Assert.NotNull(bytes);
        Assert.True(bytes.ToMemory().Span.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), "the image is not a PNG");
    }
}
