using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Media;

/// <summary>
/// Image generations (JSON) and edits (multipart uploads). gpt-image models answer base64 images with token usage and
/// can stream partial images; dall-e-3 answers one image as a URL (served by <see cref="ImageBlobHandler"/>) or base64,
/// with Azure's content-filter annotations and no usage.
/// </summary>
internal sealed class ImagesResponder(SimulatorRuntime runtime, AdmissionGate gate, ILogger<ImagesResponder> logger)
{
    private const ulong ImageSeedStep = 0x9E3779B97F4A7C15UL;
    private const int MaxEditImages = 16;

    private static readonly string[] DallESizes = ["1024x1024", "1792x1024", "1024x1792"];
    private static readonly string[] GptImageSizes = ["1024x1024", "1024x1536", "1536x1024", "auto"];

    public Task GenerateAsync(SimulatedCall call, JsonElement root) =>
        HandleAsync(call, MediaParameters.FromJson(root), [], edit: false);

    public Task EditAsync(SimulatedCall call, MediaForm form)
    {
        var parameters = MediaParameters.FromForm(form);
        var images = form.FilesNamed("image");
        if (images.Count == 0)
        {
            parameters.Fail(RequestErrors.Missing("image"));
        }
        else if (images.Count > MaxEditImages)
        {
            parameters.Fail(RequestErrors.InvalidValue("image", $"Invalid 'image': too many images. Expected at most {MaxEditImages}, but got {images.Count}."));
        }

        foreach (var image in images)
        {
            if (ImageDimensions.Read(image.Content) is null)
            {
                parameters.Fail(UnsupportedImage("image", image));
            }
        }

        if (form.FilesNamed("mask") is [var mask, ..] && ImageDimensions.Read(mask.Content) is not { Format: ImageFormat.Png })
        {
            parameters.Fail(UnsupportedImage("mask", mask));
        }

        return HandleAsync(call, parameters, images, edit: true);
    }

    private async Task HandleAsync(SimulatedCall call, MediaParameters parameters, IReadOnlyList<MediaFile> uploads, bool edit)
    {
        var family = call.Snapshot.Model.Media;
        var request = family == MediaModelFamily.DallE ? ParseDallE(parameters) : ParseGptImage(parameters);
        if (request is null || parameters.Error is not null)
        {
            var error = parameters.Error ?? RequestErrors.Missing("prompt");
            call.Deployment.RecordFailed();
            await AzureErrors.WriteInvalidRequestAsync(call.Context, error.Message, error.Param, error.Code);
            return;
        }

        var seed = Fnv1a.Append(Fnv1a.Offset, request.Prompt);
        seed = Fnv1a.Append(seed, $"{request.Size}|{request.Quality}|{request.OutputFormat}|{request.Background}");
        var usage = new BilledUsage { Images = request.N };
        if (family == MediaModelFamily.GptImage)
        {
            var imageTokens = 0;
            foreach (var upload in uploads)
            {
                var (width, height, _) = ImageDimensions.Read(upload.Content)!.Value;
                imageTokens += ImageTokens.Input(width, height);
                seed = MediaSeed.Mix(seed, MediaSeed.Of(upload.Content));
            }

            var output = (ImageTokens.Output(request.Size, request.Quality) * request.N) + (request.Stream ? request.PartialImages * ImageTokens.PerPartialImage : 0);
            usage = usage with
            {
                InputTextTokens = runtime.Tokenizers.Get(call.Snapshot.Model.Encoding).CountTokens(request.Prompt),
                InputImageTokens = imageTokens,
                OutputImageTokens = output,
            };
        }

        // Image quotas are in requests per minute, so admission charges no tokens (see RequestsPerMinute).
        if (!await gate.PassFaultsAsync(call) || !await gate.TryAdmitAsync(call, 0, usage.InputTokens + usage.OutputTokens))
        {
            return;
        }

        if (request.Stream)
        {
            await StreamAsync(call, request, seed, usage, edit ? "image_edit" : "image_generation");
            return;
        }

        await gate.DelayAsync(call.Snapshot.Options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var (w, h) = request.Dimensions;
        var images = new byte[request.N][];
        var seeds = new ulong[request.N];
        for (var i = 0; i < request.N; i++)
        {
            seeds[i] = seed + ((ulong)i * ImageSeedStep);
            images[i] = request.Url ? [] : ImageRenderer.Render(seeds[i], w, h, request.Format, request.Transparent);
        }

        var writer = JsonWriterCache.Rent(response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("created"u8, runtime.Time.GetUtcNow().ToUnixTimeSeconds());
            if (family == MediaModelFamily.DallE)
            {
                WriteDallEData(writer, call.Context.Request, request, seeds, images);
            }
            else
            {
                writer.WriteString("background"u8, request.Background);
                writer.WriteStartArray("data"u8);
                foreach (var image in images)
                {
                    writer.WriteStartObject();
                    writer.WriteBase64String("b64_json"u8, image);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                WriteSettings(writer, request);
                WriteUsage(writer, usage);
            }

            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        await response.BodyWriter.FlushAsync(call.Aborted);
        gate.Settle(call, usage, succeeded: true);
    }

    /// <summary>
    /// gpt-image streaming: <c>partial_images</c> partial events (coarser pictures), then the completed event with the
    /// final image and usage; named events, no <c>[DONE]</c>. A mid-stream cut drops the connection after
    /// <c>midStreamCutAfterChunks</c> events, before the completed one at the latest.
    /// </summary>
    private async Task StreamAsync(SimulatedCall call, ImageRequest request, ulong seed, BilledUsage usage, string prefix)
    {
        var options = call.Snapshot.Options;
        var cut = call.Deployment.TryConsumeStreamCut() || runtime.Random.Chance(options.Faults.MidStreamCutRate);
        await gate.DelayAsync(options.Latency.TimeToFirstTokenMs, call);
        var response = call.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        var pipe = response.BodyWriter;
        var (w, h) = request.Dimensions;
        var created = runtime.Time.GetUtcNow().ToUnixTimeSeconds();

        for (var k = 0; k < request.PartialImages; k++)
        {
            if (cut && k >= options.Faults.MidStreamCutAfterChunks)
            {
                CutStream(call, usage);
            }

            await gate.DelayAsync(options.Latency.PerTokenMs, call);
            var partial = ImageRenderer.Render(seed, w, h, request.Format, request.Transparent, bands: k + 2);
            WriteEvent(pipe, prefix + ".partial_image", request, partial, created, k, null);
            await pipe.FlushAsync(call.Aborted);
        }

        if (cut)
        {
            CutStream(call, usage);
        }

        await gate.DelayAsync(options.Latency.PerTokenMs, call);
        WriteEvent(pipe, prefix + ".completed", request, ImageRenderer.Render(seed, w, h, request.Format, request.Transparent), created, null, usage);
        await pipe.FlushAsync(call.Aborted);
        gate.Settle(call, usage, succeeded: true);
    }

    private void CutStream(SimulatedCall call, in BilledUsage usage)
    {
        SimulatorLog.FaultInjected(logger, "mid-stream cut", call.Deployment.Name);
        gate.Settle(call, usage with { OutputImageTokens = 0 }, succeeded: false);
        throw new SimulatedStreamCutException();
    }

    private static void WriteEvent(PipeWriter pipe, string type, ImageRequest request, byte[] image, long created, int? partialIndex, BilledUsage? usage)
    {
        var writer = ServerSentEvents.BeginNamedEvent(pipe, type);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteBase64String("b64_json"u8, image);
        writer.WriteNumber("created_at"u8, created);
        writer.WriteString("background"u8, request.Background);
        WriteSettings(writer, request);
        if (partialIndex is int index)
        {
            writer.WriteNumber("partial_image_index"u8, index);
        }

        if (usage is { } u)
        {
            WriteUsage(writer, u);
        }

        writer.WriteEndObject();
        ServerSentEvents.EndEvent(pipe, writer);
    }

    private static void WriteSettings(Utf8JsonWriter writer, ImageRequest request)
    {
        writer.WriteString("output_format"u8, request.OutputFormat);
        writer.WriteString("quality"u8, request.Quality);
        writer.WriteString("size"u8, request.Size);
    }

    private static void WriteUsage(Utf8JsonWriter writer, in BilledUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, usage.InputTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("text_tokens"u8, usage.InputTextTokens);
        writer.WriteNumber("image_tokens"u8, usage.InputImageTokens);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, usage.OutputTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("text_tokens"u8, usage.OutputTextTokens);
        writer.WriteNumber("image_tokens"u8, usage.OutputImageTokens);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, usage.InputTokens + usage.OutputTokens);
        writer.WriteEndObject();
    }

    /// <summary>Azure's dall-e-3 items: content-filter verdicts for the image and the prompt, the revised prompt, the image.</summary>
    private static void WriteDallEData(Utf8JsonWriter writer, HttpRequest http, ImageRequest request, ulong[] seeds, byte[][] images)
    {
        var (w, h) = request.Dimensions;
        writer.WriteStartArray("data"u8);
        for (var i = 0; i < seeds.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("content_filter_results"u8);
            WriteHarmCategories(writer);
            writer.WriteEndObject();
            writer.WriteStartObject("prompt_filter_results"u8);
            WriteHarmCategories(writer);
            WriteDetection(writer, "profanity"u8);
            WriteDetection(writer, "jailbreak"u8);
            writer.WriteEndObject();
            writer.WriteString("revised_prompt"u8, Revise(request.Prompt));
            if (request.Url)
            {
                writer.WriteString("url"u8, $"{http.Scheme}://{http.Host}{http.PathBase}{ImageBlobHandler.PathOf(seeds[i], w, h)}");
            }
            else
            {
                writer.WriteBase64String("b64_json"u8, images[i]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>dall-e-3 rewrites every prompt; the simulator's rewrite is a fixed elaboration of it.</summary>
    private static string Revise(string prompt) =>
        prompt.TrimEnd('.', ' ') + ". A detailed, well-lit digital illustration with a balanced composition and soft colours.";

    private static void WriteHarmCategories(Utf8JsonWriter writer)
    {
        foreach (var name in (ReadOnlySpan<string>)["hate", "self_harm", "sexual", "violence"])
        {
            writer.WriteStartObject(name);
            writer.WriteBoolean("filtered"u8, false);
            writer.WriteString("severity"u8, "safe"u8);
            writer.WriteEndObject();
        }
    }

    private static void WriteDetection(Utf8JsonWriter writer, ReadOnlySpan<byte> name)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("detected"u8, false);
        writer.WriteBoolean("filtered"u8, false);
        writer.WriteEndObject();
    }

    private static ImageRequest? ParseDallE(MediaParameters p)
    {
        var prompt = Prompt(p, 4_000);
        var n = p.Int("n", 1, 1) ?? 1;
        var size = p.Choice("size", DallESizes) ?? "1024x1024";
        var quality = p.Choice("quality", "standard", "hd") ?? "standard";
        p.Choice("style", "vivid", "natural");
        var url = (p.Choice("response_format", "url", "b64_json") ?? "url") == "url";
        if (p.Bool("stream") == true)
        {
            p.Fail(RequestErrors.InvalidValue("stream", "Streaming is not supported for this model. Only the GPT image models stream images."));
        }

        return prompt is null ? null : new ImageRequest(prompt, n, size, quality, ImageFormat.Png, "png", "opaque", url, false, 0);
    }

    private static ImageRequest? ParseGptImage(MediaParameters p)
    {
        var prompt = Prompt(p, 32_000);
        var n = p.Int("n", 1, 10) ?? 1;
        var size = p.Choice("size", GptImageSizes) ?? "auto";
        // The dall-e names are taken as aliases (the .NET SDK sends "hd" for its High quality).
        var quality = p.Choice("quality", "low", "medium", "high", "auto", "standard", "hd") switch
        {
            null or "auto" or "standard" => "medium",
            "hd" => "high",
            var q => q,
        };
        var outputFormat = p.Choice("output_format", "png", "jpeg", "webp") ?? "png";
        var background = p.Choice("background", "transparent", "opaque", "auto") ?? "auto";
        p.Int("output_compression", 0, 100);
        var stream = p.Bool("stream") ?? false;
        var partials = p.Int("partial_images", 0, 3) ?? 0;
        if (background == "transparent" && outputFormat == "jpeg")
        {
            p.Fail(RequestErrors.InvalidValue("background", "Transparent background is not supported with the jpeg output format. Use png or webp."));
        }

        if (stream && n > 1)
        {
            p.Fail(RequestErrors.InvalidValue("n", string.Create(CultureInfo.InvariantCulture, $"Invalid 'n': streaming returns one image. Expected 1 with stream: true, but got {n} instead.")));
        }

        var format = outputFormat switch
        {
            "jpeg" => ImageFormat.Jpeg,
            "webp" => ImageFormat.Webp,
            _ => ImageFormat.Png,
        };
        return prompt is null ? null : new ImageRequest(prompt, n, size == "auto" ? "1024x1024" : size, quality,
            format, outputFormat, background == "transparent" ? "transparent" : "opaque", Url: false, stream, partials);
    }

    private static string? Prompt(MediaParameters p, int maxLength)
    {
        var prompt = p.String("prompt");
        if (string.IsNullOrEmpty(prompt))
        {
            p.Fail(RequestErrors.Missing("prompt"));
            return null;
        }

        if (prompt.Length > maxLength)
        {
            p.Fail((string.Create(CultureInfo.InvariantCulture, $"Invalid 'prompt': string too long. Expected a string with maximum length {maxLength}, but got a string with length {prompt.Length} instead."), "prompt", "string_above_max_length"));
            return null;
        }

        return prompt;
    }

    private static (string Message, string? Param, string? Code) UnsupportedImage(string param, MediaFile file) =>
        ($"Invalid file '{param}': unsupported mimetype ('{file.ContentType ?? "application/octet-stream"}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
            param, "unsupported_file");
}
