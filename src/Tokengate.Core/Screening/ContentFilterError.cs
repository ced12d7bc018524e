using System.Text.Json;
using Tokengate.OpenAI;

namespace Tokengate.Screening;

/// <summary>
/// A prompt refused by screening, answered exactly as Azure OpenAI answers a prompt its own filter refused
/// (protocol reference §5.3): 400, <c>code: content_filter</c>, <c>param: prompt</c>, and <c>innererror</c> with
/// <c>ResponsibleAIPolicyViolation</c> and <c>content_filter_result</c> in which the harm categories are safe and the
/// attack found (<c>jailbreak</c> for the user's words, <c>indirect_attack</c> for a document) is filtered and detected.
/// The SDKs raise it as they raise Azure's (the npm client's <c>BadRequestError</c> with <c>code</c> content_filter).
/// Chat, completions and Responses get the same shape.
/// </summary>
internal static class ContentFilterError
{
    public const string Message =
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. "
        + "To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

    public static GatewayError For(AttackKind attack) => new(400, "content_filter", Message, Param: "prompt") { ContentFilter = attack };

    /// <summary>The members after <c>param</c>: <c>status</c> and <c>innererror</c>.</summary>
    public static void WriteDetails(Utf8JsonWriter json, int status, AttackKind attack)
    {
        json.WriteNumber("status", status);
        json.WriteStartObject("innererror");
        json.WriteString("code", "ResponsibleAIPolicyViolation");
        json.WriteStartObject("content_filter_result");
        foreach (var category in (ReadOnlySpan<string>)["hate", "self_harm", "sexual", "violence"])
        {
            json.WriteStartObject(category);
            json.WriteBoolean("filtered", false);
            json.WriteString("severity", "safe");
            json.WriteEndObject();
        }
        Detection(json, AttackNames.Jailbreak, attack == AttackKind.Jailbreak);
        if (attack == AttackKind.IndirectAttack) Detection(json, AttackNames.IndirectAttack, true);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Detection(Utf8JsonWriter json, string name, bool detected)
    {
        json.WriteStartObject(name);
        json.WriteBoolean("filtered", detected);
        json.WriteBoolean("detected", detected);
        json.WriteEndObject();
    }
}
