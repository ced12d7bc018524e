using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>Azure's content-filter annotations, always "safe" (protocol reference §3.2, §4.2, §10.2).</summary>
internal static class ContentFilterJson
{
    public static void WritePromptFilterResults(Utf8JsonWriter writer, int prompts)
    {
        writer.WriteStartArray("prompt_filter_results"u8);
        for (var i = 0; i < prompts; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("prompt_index"u8, i);
            writer.WriteStartObject("content_filter_results"u8);
            WriteHarmCategories(writer);
            WriteDetection(writer, "jailbreak"u8);
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

    private static void WriteDetection(Utf8JsonWriter writer, ReadOnlySpan<byte> name)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("filtered"u8, false);
        writer.WriteBoolean("detected"u8, false);
        writer.WriteEndObject();
    }
}
