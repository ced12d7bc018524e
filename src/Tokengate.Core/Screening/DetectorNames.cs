using System.Collections.Frozen;

namespace Tokengate.Screening;

/// <summary>The detector names a policy may use, and the default list.</summary>
internal static class DetectorNames
{
    public const string Rules = "rules";
    public const string BuiltIn = "builtin";
    public const string Onnx = "onnx";
    public const string PromptShields = "promptshields";

    /// <summary>Every name the gateway knows; a policy naming anything else fails validation on start.</summary>
    public static readonly FrozenSet<string> Known = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, Rules, BuiltIn, Onnx, PromptShields);

    /// <summary>The detectors of a policy that names none (those of them the gateway has).</summary>
    public static readonly IReadOnlyList<string> Default = [Rules, BuiltIn];
}
