using System.Globalization;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Deployments;

/// <summary>What the simulator derives from a deployment's underlying model name.</summary>
internal sealed record ModelInfo(ModelKind Kind, TokenEncoding Encoding, int DefaultDimensions, bool SupportsDimensions, string Fingerprint)
{
    public static ModelInfo For(string model)
    {
        var m = model.AsSpan();
        if (m.Contains("embedding", StringComparison.OrdinalIgnoreCase))
        {
            var large = m.Contains("3-large", StringComparison.OrdinalIgnoreCase);
            var v3 = m.Contains("embedding-3", StringComparison.OrdinalIgnoreCase);
            return new ModelInfo(ModelKind.Embeddings, TokenEncoding.Cl100kBase, large ? 3072 : 1536, v3, FingerprintOf(model));
        }

        var kind = m.Contains("instruct", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("davinci", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("babbage", StringComparison.OrdinalIgnoreCase)
            ? ModelKind.Completion
            : ModelKind.Chat;
        return new ModelInfo(kind, EncodingFor(m), 0, false, FingerprintOf(model));
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
