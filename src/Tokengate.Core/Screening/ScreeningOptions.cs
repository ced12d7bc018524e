namespace Tokengate.Screening;

/// <summary>
/// Prompt screening (<c>Tokengate:Screening</c>): the policies that say who is screened, how and for what, and the
/// settings of each detector.
/// </summary>
/// <remarks>
/// A request runs under one policy, the first that applies in this order: its consumer's (<see cref="Consumers"/>),
/// its consumer group's (<see cref="Groups"/>), its deployment's (<see cref="Deployments"/>, by the pool's name),
/// then <see cref="Default"/>. A policy is taken whole: a consumer's policy does not inherit fields from a group's or
/// the default policy (each field has its own default).
/// </remarks>
public sealed class ScreeningOptions
{
    /// <summary>The policy of requests no other entry names. Default: mode <c>Off</c> (nothing is screened).</summary>
    public ScreeningPolicyOptions Default { get; set; } = new();

    /// <summary>Policies by consumer name (case-insensitive); they win over every other entry. Default none.</summary>
    public Dictionary<string, ScreeningPolicyOptions> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies by consumer group (case-insensitive); they win over deployments and the default. Default none.</summary>
    public Dictionary<string, ScreeningPolicyOptions> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies by logical deployment (pool name, case-insensitive); they win over the default. Default none.</summary>
    public Dictionary<string, ScreeningPolicyOptions> Deployments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in local detector (rules and a small classifier shipped with the gateway).</summary>
    public BuiltInDetectorOptions BuiltIn { get; set; } = new();

    /// <summary>An operator-supplied ONNX prompt-injection classifier. Off unless its model file is given.</summary>
    public OnnxDetectorOptions Onnx { get; set; } = new();

    /// <summary>Azure AI Content Safety Prompt Shields. Off unless its endpoint is given.</summary>
    public PromptShieldsOptions PromptShields { get; set; } = new();
}
