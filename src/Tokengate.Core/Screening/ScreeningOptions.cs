namespace Tokengate.Screening;

/// <summary>
/// Prompt screening (<c>Tokengate:Screening</c>): the policies that say who is screened, how and for what, and the
/// settings of each detector.
/// </summary>
public sealed class ScreeningOptions
{
    /// <summary>The built-in local detector (rules and a small classifier shipped with the gateway).</summary>
    public BuiltInDetectorOptions BuiltIn { get; set; } = new();

    /// <summary>An operator-supplied ONNX prompt-injection classifier. Off unless its model file is given.</summary>
    public OnnxDetectorOptions Onnx { get; set; } = new();

    /// <summary>Azure AI Content Safety Prompt Shields. Off unless its endpoint is given.</summary>
    public PromptShieldsOptions PromptShields { get; set; } = new();
}
