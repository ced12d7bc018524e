namespace Tokengate.Screening;

/// <summary>
/// The ONNX detector's settings (<c>Tokengate:Screening:Onnx</c>): an operator-supplied prompt-injection classifier
/// (a DeBERTa-style sequence classifier exported to ONNX, with its Hugging Face <c>tokenizer.json</c>), run on the CPU
/// with ONNX Runtime. Off unless <see cref="ModelPath"/> is given. Read once, when the model is first loaded: a
/// change needs a restart.
/// </summary>
public sealed class OnnxDetectorOptions
{
    /// <summary>
    /// The model file (<c>model.onnx</c>). No default: without it the detector is not registered. Relative paths are
    /// resolved against the gateway's working directory.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>The Hugging Face <c>tokenizer.json</c>. Default: <c>tokenizer.json</c> in the model's folder.</summary>
    public string? TokenizerPath { get; set; }

    /// <summary>
    /// The model's <c>config.json</c>, read for its <c>id2label</c> map when <see cref="AttackLabel"/> names a label.
    /// Default: <c>config.json</c> in the model's folder, when it is there.
    /// </summary>
    public string? ConfigPath { get; set; }

    /// <summary>
    /// The model's window in tokens, special tokens included. Default 512 (DeBERTa-v3 and Prompt Guard 2). Longer text
    /// is cut into overlapping chunks of this size and each chunk is classified.
    /// </summary>
    public int MaxTokens { get; set; } = 512;

    /// <summary>
    /// How many tokens consecutive chunks share (Hugging Face calls this the stride), so an attack phrase cut at a
    /// chunk border is still seen whole in one chunk. Default 64; must be less than half of <see cref="MaxTokens"/>.
    /// </summary>
    public int Overlap { get; set; } = 64;

    /// <summary>The attack probability at or above which a piece counts as an attack, above 0 and at most 1. Default 0.5.</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>
    /// The index of the model's output (its logits) that means "attack". Default 1, which is right for ProtectAI's
    /// deberta-v3-base-prompt-injection-v2 (0 SAFE, 1 INJECTION) and Llama Prompt Guard 2 (0 BENIGN, 1 MALICIOUS).
    /// Ignored when <see cref="AttackLabel"/> is set.
    /// </summary>
    public int AttackLabelIndex { get; set; } = 1;

    /// <summary>
    /// The name of the attack label (for example <c>INJECTION</c> or <c>MALICIOUS</c>), looked up in the
    /// <c>id2label</c> map of <see cref="ConfigPath"/>; when set, that file must exist. Default: none (use
    /// <see cref="AttackLabelIndex"/>).
    /// </summary>
    public string? AttackLabel { get; set; }

    /// <summary>Threads ONNX Runtime uses inside one inference call. Default 1: parallelism comes from <see cref="MaxConcurrency"/>.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>
    /// How many inference calls may run at once; further requests wait (their cancellation is honoured). Default 2.
    /// With <see cref="IntraOpThreads"/> this bounds the cores screening can take: at most their product.
    /// </summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>How many chunks go to the model in one inference call (one batch). Default 8.</summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// The most chunks one request may need (all its texts together). Default 32 (about 14,000 tokens at the default
    /// window and overlap). A request that needs more is not screened partially: the detector answers that it could
    /// not judge, and the screening policy decides whether that lets the request through.
    /// </summary>
    public int MaxChunksPerRequest { get; set; } = 32;

    /// <summary>
    /// Load the model in the background when the gateway starts, so the first screened request does not wait for it
    /// and a bad file is logged at once. Default true; when false the model is loaded on the first screened request.
    /// </summary>
    public bool LoadOnStart { get; set; } = true;
}
