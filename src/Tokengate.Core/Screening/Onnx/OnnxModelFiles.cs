namespace Tokengate.Screening.Onnx;

/// <summary>Where the files beside the model are looked for when their paths are not given.</summary>
internal static class OnnxModelFiles
{
    public static string TokenizerPath(OnnxDetectorOptions options) =>
        string.IsNullOrWhiteSpace(options.TokenizerPath) ? Beside(options.ModelPath, "tokenizer.json") : options.TokenizerPath;

    public static string ConfigPath(OnnxDetectorOptions options) =>
        string.IsNullOrWhiteSpace(options.ConfigPath) ? Beside(options.ModelPath, "config.json") : options.ConfigPath;

    private static string Beside(string? modelPath, string name) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath ?? ".")) ?? ".", name);
}
