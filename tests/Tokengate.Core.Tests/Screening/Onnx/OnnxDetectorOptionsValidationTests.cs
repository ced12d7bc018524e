using Tokengate.Configuration;

namespace Tokengate.Screening.Onnx;

public sealed class OnnxDetectorOptionsValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-onnx-validation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<string> Validate(OnnxDetectorOptions onnx)
    {
        var options = new GatewayOptions();
        options.Screening.Onnx = onnx;
        var errors = new List<string>();
        OnnxDetectorOptionsValidation.Validate(options, errors);
        return errors;
    }

    [Fact]
    public void Validate_NoModel_NothingChecked()
    {
        Assert.Empty(Validate(new OnnxDetectorOptions { MaxTokens = -1 }));
    }

    [Fact]
    public void Validate_ModelAndTokenizerBesideIt_NoErrors()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), [1]);
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{}");
        Assert.Empty(Validate(new OnnxDetectorOptions { ModelPath = Path.Combine(_folder, "model.onnx") }));
    }

    [Fact]
    public void Validate_MissingFiles_NamesEachPath()
    {
        var errors = Validate(new OnnxDetectorOptions { ModelPath = Path.Combine(_folder, "model.onnx"), AttackLabel = "INJECTION" });
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Screening:Onnx:ModelPath:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Screening:Onnx:TokenizerPath:", StringComparison.Ordinal) && e.Contains("tokenizer.json", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Screening:Onnx:AttackLabel:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadNumbers_NamesEachField()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), [1]);
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), "{}");
        var errors = Validate(new OnnxDetectorOptions
        {
            ModelPath = Path.Combine(_folder, "model.onnx"),
            MaxTokens = 4, Overlap = 2, Threshold = 0, AttackLabelIndex = -1, IntraOpThreads = 0, MaxConcurrency = 0, MaxBatchSize = 0, MaxChunksPerRequest = 0,
        });
        foreach (var field in new[] { "MaxTokens", "Overlap", "Threshold", "AttackLabelIndex", "IntraOpThreads", "MaxConcurrency", "MaxBatchSize", "MaxChunksPerRequest" })
            Assert.Contains(errors, e => e.StartsWith($"Tokengate:Screening:Onnx:{field}:", StringComparison.Ordinal));
    }
}
