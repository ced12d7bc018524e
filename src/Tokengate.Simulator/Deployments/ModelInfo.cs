using System.Globalization;
using Tokengate.Simulator.Media;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Deployments;

/// <summary>What the simulator derives from a deployment's underlying model name.</summary>
/// <param name="Kind">Chat, legacy completions, embeddings or realtime.</param>
/// <param name="Encoding">The tokenizer.</param>
/// <param name="DefaultDimensions">Embeddings: the vector length without <c>dimensions</c>.</param>
/// <param name="SupportsDimensions">Embeddings: whether <c>dimensions</c> is accepted.</param>
/// <param name="Fingerprint">The <c>system_fingerprint</c> reported.</param>
/// <param name="MaxOutputTokens">
/// The most completion tokens the model produces in one call (its published "max output tokens"); a larger
/// <c>max_tokens</c> / <c>max_completion_tokens</c> is refused with 400 <c>invalid_value</c>. Null for models whose
/// output is bounded only by the context window (gpt-4, gpt-35-turbo-16k, the legacy completion models).
/// </param>
/// <param name="Media">Image and audio models: the family, which decides billing and what each operation accepts.</param>
internal sealed record ModelInfo(ModelKind Kind, TokenEncoding Encoding, int DefaultDimensions, bool SupportsDimensions, string Fingerprint, int? MaxOutputTokens = null, MediaModelFamily Media = MediaModelFamily.None)
{
    /// <summary>Image deployments have a quota in requests per minute, enforced over a whole minute and not in tokens.</summary>
    public bool LimitsRequestsPerMinute => Kind == ModelKind.Image;

    public static ModelInfo For(string model)
    {
        var m = model.AsSpan();

        // Media models first: gpt-4o-transcribe and gpt-4o-mini-tts would otherwise read as chat models. Their text
        // (prompts, transcripts, speech input) counts with o200k_base.
        var media = MediaModels.FamilyOf(m);
        if (media != MediaModelFamily.None)
        {
            return new ModelInfo(MediaModels.KindOf(media), TokenEncoding.O200kBase, 0, false, FingerprintOf(model), Media: media);
        }

        if (m.Contains("embedding", StringComparison.OrdinalIgnoreCase))
        {
            var large = m.Contains("3-large", StringComparison.OrdinalIgnoreCase);
            var v3 = m.Contains("embedding-3", StringComparison.OrdinalIgnoreCase);
            return new ModelInfo(ModelKind.Embeddings, TokenEncoding.Cl100kBase, large ? 3072 : 1536, v3, FingerprintOf(model));
        }

        // Realtime models speak only the WebSocket protocol; their output limit is 4,096 tokens per response.
        if (IsRealtime(m))
        {
            return new ModelInfo(ModelKind.Realtime, TokenEncoding.O200kBase, 0, false, FingerprintOf(model), 4_096);
        }

        var kind = m.Contains("instruct", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("davinci", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("babbage", StringComparison.OrdinalIgnoreCase)
            ? ModelKind.Completion
            : ModelKind.Chat;
        return new ModelInfo(kind, EncodingFor(m), 0, false, FingerprintOf(model), kind == ModelKind.Chat ? MaxOutputFor(m) : null);
    }

    // gpt-realtime and gpt-realtime-mini (any version), and the gpt-4o / gpt-4o-mini realtime previews.
    private static bool IsRealtime(ReadOnlySpan<char> model) =>
        model.StartsWith("gpt-realtime", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("gpt-4o-realtime-preview", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("gpt-4o-mini-realtime-preview", StringComparison.OrdinalIgnoreCase);

    // Azure's model catalogue, by model name and version as deployments report them (e.g. gpt-4o-2024-08-06).
    private static int? MaxOutputFor(ReadOnlySpan<char> model)
    {
        if (model.StartsWith("gpt-4o-2024-05-13", StringComparison.OrdinalIgnoreCase)) return 4_096;
        if (model.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase)) return 16_384;
        if (model.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)) return 32_768;
        if (model.StartsWith("gpt-4.5", StringComparison.OrdinalIgnoreCase)) return 16_384;
        if (model.StartsWith("gpt-5-chat", StringComparison.OrdinalIgnoreCase)) return 16_384;
        if (model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)) return 128_000;
        if (model.StartsWith("o1-mini", StringComparison.OrdinalIgnoreCase)) return 65_536;
        if (model.StartsWith("o1-preview", StringComparison.OrdinalIgnoreCase)) return 32_768;
        if (model.StartsWith("o1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
            || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase)) return 100_000;
        // gpt-4 Turbo (turbo-2024-04-09, 1106-preview, 0125-preview, vision-preview): 128k in, 4k out.
        if (model.StartsWith("gpt-4-", StringComparison.OrdinalIgnoreCase)
            && (model.Contains("turbo", StringComparison.OrdinalIgnoreCase) || model.Contains("preview", StringComparison.OrdinalIgnoreCase))) return 4_096;
        if ((model.StartsWith("gpt-35-turbo", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-3.5-turbo", StringComparison.OrdinalIgnoreCase))
            && !model.Contains("16k", StringComparison.OrdinalIgnoreCase)) return 4_096;
        return null;
    }

    // A stable system_fingerprint per model, shaped like the service's "fp_" + 10 hex digits.
    private static string FingerprintOf(string model) =>
        "fp_" + (Fnv1a.Append(Fnv1a.Offset, model) & 0xFF_FFFF_FFFFUL).ToString("x10", CultureInfo.InvariantCulture);

    // o200k_base covers the gpt-4o generation and later; everything older (gpt-4, gpt-35) is cl100k_base.
    private static TokenEncoding EncodingFor(ReadOnlySpan<char> model) =>
        model.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("gpt-4.5", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o1", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o3", StringComparison.OrdinalIgnoreCase)
        || model.StartsWith("o4", StringComparison.OrdinalIgnoreCase)
            ? TokenEncoding.O200kBase
            : TokenEncoding.Cl100kBase;
}
