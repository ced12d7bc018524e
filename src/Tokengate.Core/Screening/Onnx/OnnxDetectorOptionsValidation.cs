using Tokengate.Configuration;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// Checks <see cref="OnnxDetectorOptions"/> on start (part of the gateway options' validation, called from
/// <c>GatewayOptionsValidator.Validate</c>), naming each bad field. Nothing is checked while no model is configured.
/// </summary>
internal static class OnnxDetectorOptionsValidation
{
    private const string P = "Tokengate:Screening:Onnx";

    public static void Validate(GatewayOptions options, List<string> errors)
    {
        var onnx = options.Screening.Onnx;
        if (string.IsNullOrWhiteSpace(onnx.ModelPath))
        {
            if (!string.IsNullOrWhiteSpace(onnx.TokenizerPath) || !string.IsNullOrWhiteSpace(onnx.ConfigPath))
                errors.Add($"{P}:ModelPath: must be given when TokenizerPath or ConfigPath is.");
            return;
        }
        if (!File.Exists(onnx.ModelPath)) errors.Add($"{P}:ModelPath: no file at '{onnx.ModelPath}'.");
        var tokenizer = OnnxModelFiles.TokenizerPath(onnx);
        if (!File.Exists(tokenizer))
            errors.Add($"{P}:TokenizerPath: no file at '{tokenizer}'" +
                (string.IsNullOrWhiteSpace(onnx.TokenizerPath) ? " (the default, beside the model); put the model's tokenizer.json there or set TokenizerPath." : "."));
        var config = OnnxModelFiles.ConfigPath(onnx);
        if (!string.IsNullOrWhiteSpace(onnx.ConfigPath) && !File.Exists(config))
            errors.Add($"{P}:ConfigPath: no file at '{config}'.");
        else if (!string.IsNullOrWhiteSpace(onnx.AttackLabel) && !File.Exists(config))
            errors.Add($"{P}:AttackLabel: naming a label needs the model's config.json (its id2label map) at '{config}'; set ConfigPath or use AttackLabelIndex.");

        if (onnx.MaxTokens is < 8 or > 8192) errors.Add($"{P}:MaxTokens: must be 8 to 8192 (was {onnx.MaxTokens}).");
        if (onnx.Overlap < 0 || onnx.Overlap * 2 >= onnx.MaxTokens)
            errors.Add($"{P}:Overlap: must be at least 0 and less than half of MaxTokens (was {onnx.Overlap}).");
        if (!(onnx.Threshold > 0 && onnx.Threshold <= 1)) errors.Add($"{P}:Threshold: must be above 0 and at most 1 (was {onnx.Threshold}).");
        if (onnx.AttackLabelIndex < 0) errors.Add($"{P}:AttackLabelIndex: must not be negative (was {onnx.AttackLabelIndex}).");
        if (onnx.IntraOpThreads is < 1 or > 256) errors.Add($"{P}:IntraOpThreads: must be 1 to 256 (was {onnx.IntraOpThreads}).");
        if (onnx.MaxConcurrency is < 1 or > 1024) errors.Add($"{P}:MaxConcurrency: must be 1 to 1024 (was {onnx.MaxConcurrency}).");
        if (onnx.MaxBatchSize is < 1 or > 256) errors.Add($"{P}:MaxBatchSize: must be 1 to 256 (was {onnx.MaxBatchSize}).");
        if (onnx.MaxChunksPerRequest is < 1 or > 4096) errors.Add($"{P}:MaxChunksPerRequest: must be 1 to 4096 (was {onnx.MaxChunksPerRequest}).");
    }
}
