using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Azure's content-filter annotations (protocol reference §3.2, §4.2, §10.2): always "safe", except a jailbreak the
/// prompt filter detected (<see cref="PromptFilterMarkers"/>), and the <c>content_filter</c> 400 of a prompt it refused.
/// </summary>
internal static class ContentFilterJson
{
    /// <summary>Azure's message for a prompt its filter refused.</summary>
    public const string PromptRefusedMessage =
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

    /// <summary>
    /// The <c>content_filter</c> 400 Azure answers for a prompt its filter refused: the model error shape with
    /// <c>status</c> and <c>innererror.content_filter_result</c>, here for a jailbreak (filtered and detected).
    /// </summary>
    public static async Task WriteJailbreakRefusalAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        var writer = JsonWriterCache.Rent(context.Response.BodyWriter);
        try
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, PromptRefusedMessage);
            writer.WriteNull("type"u8);
            writer.WriteString("param"u8, "prompt"u8);
            writer.WriteString("code"u8, "content_filter"u8);
            writer.WriteNumber("status"u8, StatusCodes.Status400BadRequest);
            writer.WriteStartObject("innererror"u8);
            writer.WriteString("code"u8, "ResponsibleAIPolicyViolation"u8);
            writer.WriteStartObject("content_filter_result"u8);
            WriteHarmCategories(writer);
            writer.WriteStartObject("jailbreak"u8);
            writer.WriteBoolean("filtered"u8, true);
            writer.WriteBoolean("detected"u8, true);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>Chat's <c>prompt_filter_results</c>; a detected jailbreak is annotated (not filtered) on every prompt entry.</summary>
    public static void WritePromptFilterResults(Utf8JsonWriter writer, int prompts, bool jailbreakDetected = false)
    {
        writer.WriteStartArray("prompt_filter_results"u8);
        for (var i = 0; i < prompts; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("prompt_index"u8, i);
            writer.WriteStartObject("content_filter_results"u8);
            WriteHarmCategories(writer);
            WriteDetection(writer, "jailbreak"u8, jailbreakDetected);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Choice-level results: the four harm categories, plus protected material on whole responses.</summary>
    public static void WriteChoiceResults(Utf8JsonWriter writer, bool protectedMaterial)
    {
        writer.WriteStartObject("content_filter_results"u8);
        WriteHarmCategories(writer);
        if (protectedMaterial)
        {
            WriteDetection(writer, "protected_material_text"u8);
            WriteDetection(writer, "protected_material_code"u8);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Responses objects: <c>content_filters</c>, one entry per checked source (<c>prompt</c>, and <c>completion</c>
    /// once there is one), each with <c>blocked</c> and the categories chat reports.
    /// </summary>
    public static void WriteResponsesFilters(Utf8JsonWriter writer, bool completion)
    {
        writer.WriteStartArray("content_filters"u8);
        writer.WriteStartObject();
        writer.WriteBoolean("blocked"u8, false);
        writer.WriteString("source_type"u8, "prompt"u8);
        writer.WriteStartObject("content_filter_results"u8);
        WriteHarmCategories(writer);
        WriteDetection(writer, "jailbreak"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (completion)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("blocked"u8, false);
            writer.WriteString("source_type"u8, "completion"u8);
            WriteChoiceResults(writer, protectedMaterial: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteEmptyResults(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("content_filter_results"u8);
        writer.WriteEndObject();
    }

    private static void WriteHarmCategories(Utf8JsonWriter writer)
    {
        WriteSeverity(writer, "hate"u8);
        WriteSeverity(writer, "self_harm"u8);
        WriteSeverity(writer, "sexual"u8);
        WriteSeverity(writer, "violence"u8);
    }

    private static void WriteSeverity(Utf8JsonWriter writer, ReadOnlySpan<byte> name)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("filtered"u8, false);
        writer.WriteString("severity"u8, "safe"u8);
        writer.WriteEndObject();
    }

    private static void WriteDetection(Utf8JsonWriter writer, ReadOnlySpan<byte> name, bool detected = false)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("filtered"u8, false);
        writer.WriteBoolean("detected"u8, detected);
        writer.WriteEndObject();
    }
}
