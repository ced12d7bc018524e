namespace Tokengate.Screening;

/// <summary>The built-in detector's settings (<c>Tokengate:Screening:BuiltIn</c>).</summary>
public sealed class BuiltInDetectorOptions
{
    public const string SectionName = "Tokengate:Screening:BuiltIn";

    /// <summary>
    /// The score (0 to 1) at or above which a text is called an attack. Default <c>0.59</c>: the F1-optimal threshold
    /// that <c>tools/screening/train.py</c> chose on template families it left out of training (it is also stored in
    /// the model file, and a test keeps the two equal). Raise it for fewer false positives, lower it to catch more;
    /// <c>tokengate screen eval FILE.jsonl --threshold X</c> shows the effect on your own data. Must be above 0 and at most 1.
    /// </summary>
    public double Threshold { get; set; } = DefaultThreshold;

    /// <summary>
    /// Whether the fast rules run as well as the classifier (default <c>true</c>): chat-template control tokens
    /// (<c>&lt;|im_start|&gt;</c>, <c>[INST]</c>, <c>&lt;&lt;SYS&gt;&gt;</c> ...) and invisible Unicode tag characters in a
    /// text make it an attack whatever the classifier says.
    /// </summary>
    public bool Rules { get; set; } = true;

    internal const double DefaultThreshold = 0.59;
}
