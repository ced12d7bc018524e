using System.Buffers.Binary;
using System.ClientModel;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Images;
using Tokengate.Simulator;
using Tokengate.Simulator.Media;

#pragma warning disable OPENAI001 // the SDK marks the gpt-image sizes and qualities experimental

namespace Tokengate.IntegrationTests.Simulator;

public sealed class MediaImagesTests : IAsyncLifetime
{
    private const string Prompt = "A lighthouse on a cliff at dawn";
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    // The control endpoint is off here: image URLs must not depend on it.
    private static Task<SimulatorHarness> StartAsync(TimeProvider? time = null, int? imageRpm = null) => SimulatorHarness.StartAsync(o =>
    {
        o.ControlEnabled = false;
        o.Deployments["gpt-image"] = new SimulatedDeploymentOptions { Model = "gpt-image-1", RequestsPerMinute = imageRpm };
        o.Deployments["dalle"] = new SimulatedDeploymentOptions { Model = "dall-e-3" };
    }, time);

    private static string Classic(string deployment, string operation) =>
        $"openai/deployments/{deployment}/images/{operation}?api-version=2025-04-01-preview";

    private static string PathFor(bool v1, string deployment, string operation) =>
        v1 ? $"openai/v1/images/{operation}" : Classic(deployment, operation);

    private static string Body(bool v1, string deployment, string fields) =>
        v1 ? $$"""{"model":"{{deployment}}",{{fields}}}""" : $$"""{{{fields}}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Generate_GptImage_Base64PngWithUsageAndSettings(bool v1)
    {
        var body = await _sim.PostOkAsync(PathFor(v1, "gpt-image", "generations"), Body(v1, "gpt-image", $$"""
            "prompt":"{{Prompt}}","size":"1024x1536","quality":"low","n":2
            """));

        Assert.True(body.GetProperty("created").GetInt64() > 1_600_000_000);
        Assert.Equal("opaque", body.GetProperty("background").GetString());
        Assert.Equal("png", body.GetProperty("output_format").GetString());
        Assert.Equal("low", body.GetProperty("quality").GetString());
        Assert.Equal("1024x1536", body.GetProperty("size").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        foreach (var item in data.EnumerateArray())
        {
            Assert.False(item.TryGetProperty("url", out _));
            Assert.False(item.TryGetProperty("revised_prompt", out _));
            var (width, height, colorType) = MediaTestFiles.CheckPng(Convert.FromBase64String(item.GetProperty("b64_json").GetString()!));
            Assert.Equal((1024, 1536, 2), (width, height, colorType));
        }

        Assert.NotEqual(data[0].GetProperty("b64_json").GetString(), data[1].GetProperty("b64_json").GetString());
        var usage = body.GetProperty("usage");
        var textTokens = ReferenceTokenCounter.O200kBase.CountTokens(Prompt);
        Assert.Equal(textTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(textTokens, usage.GetProperty("input_tokens_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());
        Assert.Equal(2 * 408, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(2 * 408, usage.GetProperty("output_tokens_details").GetProperty("image_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("output_tokens_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(textTokens + 816, usage.GetProperty("total_tokens").GetInt32());
    }

    [Theory]
    [InlineData("1024x1024", "low", 272)]
    [InlineData("1024x1024", "medium", 1056)]
    [InlineData("1024x1024", "high", 4160)]
    [InlineData("1024x1536", "medium", 1584)]
    [InlineData("1024x1536", "high", 6240)]
    [InlineData("1536x1024", "low", 400)]
    [InlineData("1536x1024", "medium", 1568)]
    [InlineData("1536x1024", "high", 6208)]
    [InlineData("auto", "auto", 1056)]
    public async Task Generate_SizeAndQuality_OutputTokensFromTheTable(string size, string quality, int tokens)
    {
        var body = await _sim.PostOkAsync(Classic("gpt-image", "generations"), $$"""{"prompt":"x","size":"{{size}}","quality":"{{quality}}"}""");

        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(size == "auto" ? "1024x1024" : size, body.GetProperty("size").GetString());
        Assert.Equal(quality == "auto" ? "medium" : quality, body.GetProperty("quality").GetString());
    }

    [Fact]
    public async Task Generate_SameRequest_SameBytes_OtherPromptOtherBytes()
    {
        const string request = """{"prompt":"same","size":"1536x1024"}""";
        var first = await _sim.PostOkAsync(Classic("gpt-image", "generations"), request);
        var second = await _sim.PostOkAsync(Classic("gpt-image", "generations"), request);
        var other = await _sim.PostOkAsync(Classic("gpt-image", "generations"), """{"prompt":"different","size":"1536x1024"}""");

        Assert.Equal(first.GetProperty("data")[0].GetProperty("b64_json").GetString(), second.GetProperty("data")[0].GetProperty("b64_json").GetString());
        Assert.NotEqual(first.GetProperty("data")[0].GetProperty("b64_json").GetString(), other.GetProperty("data")[0].GetProperty("b64_json").GetString());
    }

    [Fact]
    public async Task Generate_OutputFormats_JpegWebpAndTransparentPngAreValid()
    {
        var jpeg = await ImageAsync("""{"prompt":"p","size":"1536x1024","output_format":"jpeg"}""");
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, jpeg[^2..]);
        var sof = IndexOf(jpeg, [0xFF, 0xC0]);
        Assert.Equal(1024, BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(sof + 5)));
        Assert.Equal(1536, BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(sof + 7)));

        var webp = await ImageAsync("""{"prompt":"p","size":"1024x1536","output_format":"webp","background":"transparent"}""");
        Assert.Equal("RIFF", Encoding.ASCII.GetString(webp, 0, 4));
        Assert.Equal(webp.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(4)));
        Assert.Equal("WEBPVP8L", Encoding.ASCII.GetString(webp, 8, 8));
        Assert.Equal(0x2F, webp[20]);
        var bits = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(21));
        Assert.Equal((1024, 1536), ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1));

        var png = await ImageAsync("""{"prompt":"p","background":"transparent"}""");
        Assert.Equal((1024, 1024, 6), MediaTestFiles.CheckPng(png));

        using var refused = await _sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"p","background":"transparent","output_format":"jpeg"}""");
        Assert.Equal(400, (int)refused.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Generate_DallE3Url_ServedWithoutKeyAndNoUsage(bool v1)
    {
        var body = await _sim.PostOkAsync(PathFor(v1, "dalle", "generations"), Body(v1, "dalle", $$"""
            "prompt":"{{Prompt}}","size":"1792x1024","quality":"hd","style":"natural"
            """));

        Assert.False(body.TryGetProperty("usage", out _));
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.StartsWith(Prompt, item.GetProperty("revised_prompt").GetString(), StringComparison.Ordinal);
        Assert.Equal("safe", item.GetProperty("content_filter_results").GetProperty("violence").GetProperty("severity").GetString());
        Assert.False(item.GetProperty("prompt_filter_results").GetProperty("jailbreak").GetProperty("detected").GetBoolean());
        var url = new Uri(item.GetProperty("url").GetString()!);
        Assert.Equal(_sim.Server.Endpoint.Authority, url.Authority);

        using var image = await _sim.Http.GetAsync(url); // no api-key
        Assert.Equal(200, (int)image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal((1792, 1024, 2), MediaTestFiles.CheckPng(await image.Content.ReadAsByteArrayAsync()));

        using var missing = await _sim.Http.GetAsync(new Uri(_sim.Server.Endpoint, "_simulator/blobs/img-0000000000000001-10x10.png"));
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal(1, _sim.Control.GetStats("dalle").Images);
        Assert.Equal(0, _sim.Control.GetStats("dalle").PromptTokens);
    }

    [Fact]
    public async Task Generate_DallE3Base64_SameImageAsTheUrl()
    {
        var b64 = await _sim.PostOkAsync(Classic("dalle", "generations"), """{"prompt":"twins","response_format":"b64_json"}""");
        var url = await _sim.PostOkAsync(Classic("dalle", "generations"), """{"prompt":"twins","response_format":"url"}""");

        var fromUrl = await _sim.Http.GetByteArrayAsync(new Uri(url.GetProperty("data")[0].GetProperty("url").GetString()!));
        Assert.Equal(Convert.FromBase64String(b64.GetProperty("data")[0].GetProperty("b64_json").GetString()!), fromUrl);
    }

    [Theory]
    [InlineData("dalle", """{"prompt":"two","n":2}""", "n", "integer_above_max_value")]
    [InlineData("dalle", """{"prompt":"big","size":"1024x1536"}""", "size", "invalid_value")]
    [InlineData("gpt-image", """{"size":"1024x1024"}""", "prompt", "missing_required_parameter")]
    [InlineData("gpt-image", """{"prompt":"x","n":11}""", "n", "integer_above_max_value")]
    [InlineData("gpt-image", """{"prompt":"x","quality":"ultra"}""", "quality", "invalid_value")]
    [InlineData("gpt-image", """{"prompt":"x","partial_images":4,"stream":true}""", "partial_images", "integer_above_max_value")]
    public async Task Generate_BadInput_Returns400WithParam(string deployment, string json, string param, string code)
    {
        using var response = await _sim.PostAsync(Classic(deployment, "generations"), json);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(1, _sim.Control.GetStats(deployment).Failed);
    }

    [Fact]
    public async Task WrongKind_EitherWay_OperationNotSupported()
    {
        using var imageOnChat = await _sim.PostAsync(Classic("chat", "generations"), """{"prompt":"x"}""");
        using var chatOnImage = await _sim.PostAsync(SimulatorHarness.ChatPath("gpt-image"), """{"messages":[{"role":"user","content":"Hi"}]}""");
        using var editOnDallE = await MediaTestFiles.PostFormAsync(_sim, Classic("dalle", "edits"),
            MediaTestFiles.Form([("image", "a.png", Png(64, 64))], ("prompt", "x")));

        foreach (var response in new[] { imageOnChat, chatOnImage, editOnDallE })
        {
            Assert.Equal(400, (int)response.StatusCode);
            Assert.Equal("OperationNotSupported", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        }

        using var unknown = await _sim.PostAsync("openai/v1/images/generations", """{"model":"nope","prompt":"x"}""");
        Assert.Equal(404, (int)unknown.StatusCode);
        using var noKey = await _sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""", key: null);
        Assert.Equal(401, (int)noKey.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Edit_GptImage_CountsEachInputImagesTokens(bool v1)
    {
        // 1024×1024 → 768×768, 4 tiles: 765. 2048×4096 → 1024×2048 → 768×1536, 6 tiles: 1105. 300×200: 1 tile, 255.
        var fields = new List<(string, string)> { ("prompt", "Put a hat on it"), ("quality", "high") };
        if (v1)
        {
            fields.Add(("model", "gpt-image"));
        }

        using var response = await MediaTestFiles.PostFormAsync(_sim, PathFor(v1, "gpt-image", "edits"), MediaTestFiles.Form(
            [("image[]", "a.png", Png(1024, 1024)), ("image[]", "b.png", Png(2048, 4096)), ("image[]", "c.jpg", Render(300, 200, ImageFormat.Jpeg)), ("mask", "m.png", Png(1024, 1024))],
            [.. fields]));
        var body = await SimulatorHarness.ReadJsonAsync(response);

        Assert.Equal(200, (int)response.StatusCode);
        var usage = body.GetProperty("usage");
        Assert.Equal(765 + 1105 + 255, usage.GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());
        var text = ReferenceTokenCounter.O200kBase.CountTokens("Put a hat on it");
        Assert.Equal(text, usage.GetProperty("input_tokens_details").GetProperty("text_tokens").GetInt32());
        Assert.Equal(text + 2125, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(4160, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal((1024, 1024, 2), MediaTestFiles.CheckPng(Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("b64_json").GetString()!)));
    }

    [Fact]
    public async Task Edit_BadUploads_Return400WithParam()
    {
        using var noImage = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"), MediaTestFiles.Form([], ("prompt", "x")));
        Assert.Equal("image", await ParamAsync(noImage));

        using var noPrompt = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"), MediaTestFiles.Form([("image", "a.png", Png(32, 32))]));
        Assert.Equal("prompt", await ParamAsync(noPrompt));

        using var notAnImage = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"), MediaTestFiles.Form([("image", "a.gif", "GIF89a"u8.ToArray())], ("prompt", "x")));
        Assert.Equal("image", await ParamAsync(notAnImage));

        using var json = await _sim.PostAsync(Classic("gpt-image", "edits"), """{"prompt":"x"}""");
        Assert.Equal(400, (int)json.StatusCode);
        Assert.Contains("multipart/form-data", (await SimulatorHarness.ReadJsonAsync(json)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_Stream_PartialImagesThenCompletedWithUsage()
    {
        using var response = await _sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"stream me","stream":true,"partial_images":2,"output_format":"webp"}""");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = MediaTestFiles.ParseEvents(await response.Content.ReadAsStringAsync());

        Assert.Equal(["image_generation.partial_image", "image_generation.partial_image", "image_generation.completed"], events.Select(e => e.Event));
        Assert.Equal(events.Select(e => e.Event), events.Select(e => e.Data.GetProperty("type").GetString()));
        for (var i = 0; i < 2; i++)
        {
            var partial = events[i].Data;
            Assert.Equal(i, partial.GetProperty("partial_image_index").GetInt32());
            Assert.Equal("1024x1024", partial.GetProperty("size").GetString());
            Assert.Equal("medium", partial.GetProperty("quality").GetString());
            Assert.Equal("opaque", partial.GetProperty("background").GetString());
            Assert.Equal("webp", partial.GetProperty("output_format").GetString());
            Assert.True(partial.GetProperty("created_at").GetInt64() > 0);
            Assert.Equal("RIFF", Encoding.ASCII.GetString(Convert.FromBase64String(partial.GetProperty("b64_json").GetString()!), 0, 4));
            Assert.False(partial.TryGetProperty("usage", out _));
        }

        var completed = events[2].Data;
        var usage = completed.GetProperty("usage");
        Assert.Equal(1056 + 200, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(ReferenceTokenCounter.O200kBase.CountTokens("stream me"), usage.GetProperty("input_tokens").GetInt32());
        var stats = _sim.Control.GetStats("gpt-image");
        Assert.Equal((1, 1256L, 1L), (stats.Succeeded, stats.OutputImageTokens, stats.Images));
    }

    [Fact]
    public async Task Edit_Stream_ImageEditEvents()
    {
        using var response = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"),
            MediaTestFiles.Form([("image", "a.png", Png(512, 512))], ("prompt", "x"), ("stream", "true"), ("partial_images", "1")));
        var events = MediaTestFiles.ParseEvents(await response.Content.ReadAsStringAsync());

        Assert.Equal(["image_edit.partial_image", "image_edit.completed"], events.Select(e => e.Event));
        Assert.Equal(255, events[1].Data.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());
        MediaTestFiles.CheckPng(Convert.FromBase64String(events[1].Data.GetProperty("b64_json").GetString()!));
    }

    [Fact]
    public async Task Generate_StreamCut_DropsTheConnectionBeforeCompleted()
    {
        _sim.Control.Update("gpt-image", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 1;
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, Classic("gpt-image", "generations"))
        {
            Content = new StringContent("""{"prompt":"cut","stream":true,"partial_images":3}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => response.Content.ReadAsStream().CopyToAsync(received));

        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.Equal(1, text.Split("event: image_generation.partial_image").Length - 1);
        Assert.DoesNotContain("completed", text, StringComparison.Ordinal);
        var stats = _sim.Control.GetStats("gpt-image");
        Assert.Equal((0, 1, 0L), (stats.Succeeded, stats.Failed, stats.Images));
    }

    [Fact]
    public async Task FailNextAndReset_ApplyToImageRequests()
    {
        _sim.Control.FailNext("gpt-image", 1, 503, TimeSpan.FromSeconds(2));
        using var failed = await _sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""");
        Assert.Equal(503, (int)failed.StatusCode);
        Assert.Equal("2", SimulatorHarness.Header(failed, "retry-after"));

        _sim.Control.Update("dalle", o => o.Faults.ResetNextCount = 1);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _sim.PostAsync(Classic("dalle", "generations"), """{"prompt":"x"}"""));

        _sim.Control.Update("gpt-image", o => o.Faults.ErrorsOnContent["poison"] = 500);
        using var poisoned = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"), MediaTestFiles.Form([("image", "a.png", Png(8, 8))], ("prompt", "poison pill")));
        Assert.Equal(500, (int)poisoned.StatusCode);

        using var ok = await _sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""");
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task RequestsPerMinute_ThirdImageInAMinute_429WithRetryAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var sim = await StartAsync(time, imageRpm: 2);

        for (var i = 1; i <= 2; i++)
        {
            using var ok = await sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""");
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal("2", SimulatorHarness.Header(ok, "x-ratelimit-limit-requests"));
            Assert.Equal((2 - i).ToString(CultureInfo.InvariantCulture), SimulatorHarness.Header(ok, "x-ratelimit-remaining-requests"));
            time.Advance(TimeSpan.FromSeconds(20));
        }

        using var throttled = await sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""");
        Assert.Equal(429, (int)throttled.StatusCode);
        Assert.Equal("20000", SimulatorHarness.Header(throttled, "retry-after-ms"));
        Assert.Equal("20", SimulatorHarness.Header(throttled, "retry-after"));
        var message = (await SimulatorHarness.ReadJsonAsync(throttled)).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("ImageGenerations_Create", message, StringComparison.Ordinal);
        Assert.Contains("call rate limit", message, StringComparison.Ordinal);
        Assert.Equal(0, sim.Control.GetStats("gpt-image").RemainingRequests);

        time.Advance(TimeSpan.FromSeconds(20));
        using var again = await sim.PostAsync(Classic("gpt-image", "generations"), """{"prompt":"x"}""");
        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal(1, sim.Control.GetStats("gpt-image").Throttled);
    }

    [Fact]
    public async Task Stats_ImageRequests_BillTextImageTokensAndImages()
    {
        await _sim.PostOkAsync(Classic("gpt-image", "generations"), """{"prompt":"one two three","n":3,"quality":"low"}""");
        using var edit = await MediaTestFiles.PostFormAsync(_sim, Classic("gpt-image", "edits"), MediaTestFiles.Form([("image", "a.png", Png(512, 512))], ("prompt", "four")));
        Assert.Equal(200, (int)edit.StatusCode);

        var stats = _sim.Control.GetStats("gpt-image");
        var text = ReferenceTokenCounter.O200kBase.CountTokens("one two three") + ReferenceTokenCounter.O200kBase.CountTokens("four");
        Assert.Equal(2, stats.Succeeded);
        Assert.Equal(text, stats.InputTextTokens);
        Assert.Equal(255, stats.InputImageTokens);
        Assert.Equal((3 * 272) + 1056, stats.OutputImageTokens);
        Assert.Equal(4, stats.Images);
        Assert.Equal(text + 255, stats.PromptTokens);
        Assert.Equal((3 * 272) + 1056, stats.CompletionTokens);
        Assert.Equal((0, 0, 0, 0.0, 0), (stats.InputAudioTokens, stats.OutputAudioTokens, stats.OutputTextTokens, stats.AudioSeconds, stats.Characters));
    }

    [Fact]
    public async Task OpenAIClient_ImageClientGenerateImage_ReadsBytesAndUsage()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key),
            new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") });

        GeneratedImage image = await client.GetImageClient("gpt-image").GenerateImageAsync("A red kite", new ImageGenerationOptions
        {
            Size = GeneratedImageSize.W1536xH1024,
            Quality = GeneratedImageQuality.High,
        });

        Assert.Equal((1536, 1024, 2), MediaTestFiles.CheckPng(image.ImageBytes.ToArray()));

        GeneratedImage dalle = await client.GetImageClient("dalle").GenerateImageAsync("A red kite");
        Assert.NotNull(dalle.ImageUri);
        Assert.StartsWith("A red kite", dalle.RevisedPrompt, StringComparison.Ordinal);
        MediaTestFiles.CheckPng(await _sim.Http.GetByteArrayAsync(dalle.ImageUri));
    }

    private async Task<byte[]> ImageAsync(string json)
    {
        var body = await _sim.PostOkAsync(Classic("gpt-image", "generations"), json);
        return Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("b64_json").GetString()!);
    }

    private static async Task<string?> ParamAsync(HttpResponseMessage response)
    {
        Assert.Equal(400, (int)response.StatusCode);
        return (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("param").GetString();
    }

    private static byte[] Png(int width, int height) => Render(width, height, ImageFormat.Png);

    private static byte[] Render(int width, int height, ImageFormat format) =>
        ImageRenderer.Render((ulong)((width * 31) + height), width, height, format, transparent: false);

    private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);
}
