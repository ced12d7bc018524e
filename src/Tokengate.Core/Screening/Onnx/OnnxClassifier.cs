using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// A loaded sequence classifier: the ONNX Runtime session (CPU), its tokenizer, and which output means "attack".
/// The model must take <c>input_ids</c> (int64 or int32, [batch, sequence]), may take <c>attention_mask</c> and
/// <c>token_type_ids</c>, and must give logits [batch, labels] (the output named <c>logits</c>, else the first).
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, so one instance serves every request.
/// </summary>
internal sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputIds;
    private readonly string? _attentionMask;
    private readonly string? _tokenTypeIds;
    private readonly bool _int32;
    private readonly string[] _outputs;

    private OnnxClassifier(InferenceSession session, HfTokenizer tokenizer, int attackIndex, string? attackLabel,
        string inputIds, string? attentionMask, string? tokenTypeIds, bool int32, string output)
    {
        _session = session;
        Tokenizer = tokenizer;
        AttackIndex = attackIndex;
        AttackLabel = attackLabel;
        _inputIds = inputIds;
        _attentionMask = attentionMask;
        _tokenTypeIds = tokenTypeIds;
        _int32 = int32;
        _outputs = [output];
    }

    public HfTokenizer Tokenizer { get; }

    /// <summary>The index of the logit that means "attack".</summary>
    public int AttackIndex { get; }

    /// <summary>That label's name from <c>config.json</c>, when the file is there.</summary>
    public string? AttackLabel { get; }

    /// <summary>Loads the tokenizer, the label map and the model; throws with a reason an operator can act on.</summary>
    public static OnnxClassifier Load(OnnxDetectorOptions options)
    {
        var modelPath = options.ModelPath ?? throw new InvalidOperationException("no ModelPath is configured");
        var tokenizerPath = OnnxModelFiles.TokenizerPath(options);
        HfTokenizer tokenizer;
        try { tokenizer = HfTokenizer.Load(tokenizerPath); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException
            or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"tokenizer '{tokenizerPath}': {ex.Message}", ex);
        }

        var labels = ReadLabels(OnnxModelFiles.ConfigPath(options), required: !string.IsNullOrWhiteSpace(options.AttackLabel));
        var attackIndex = options.AttackLabelIndex;
        if (!string.IsNullOrWhiteSpace(options.AttackLabel))
        {
            var match = labels!.Where(l => string.Equals(l.Value, options.AttackLabel, StringComparison.OrdinalIgnoreCase)).Select(l => (int?)l.Key).FirstOrDefault();
            attackIndex = match ?? throw new InvalidOperationException(
                $"config.json's id2label has no label '{options.AttackLabel}' (it has {string.Join(", ", labels!.Select(l => $"{l.Key}={l.Value}"))})");
        }
        if (labels is not null && labels.Count > 0 && !labels.ContainsKey(attackIndex))
            throw new InvalidOperationException($"AttackLabelIndex {attackIndex} is not among config.json's labels ({string.Join(", ", labels.Keys)})");

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var session = new InferenceSession(modelPath, sessionOptions);
        try
        {
            var inputs = session.InputMetadata;
            var inputIds = inputs.ContainsKey("input_ids") ? "input_ids"
                : throw new InvalidOperationException($"the model has no input 'input_ids' (it has {string.Join(", ", inputs.Keys)})");
            foreach (var (name, meta) in inputs)
            {
                if (name is not ("input_ids" or "attention_mask" or "token_type_ids"))
                    throw new InvalidOperationException($"the model wants an input '{name}' the detector cannot give (input_ids, attention_mask and token_type_ids are given)");
                if (meta.ElementDataType is not (TensorElementType.Int64 or TensorElementType.Int32))
                    throw new InvalidOperationException($"the model's input '{name}' is {meta.ElementDataType}, not int64 or int32");
            }
            var int32 = inputs[inputIds].ElementDataType == TensorElementType.Int32;
            var output = session.OutputMetadata.ContainsKey("logits") ? "logits" : session.OutputNames[0];
            var outputMeta = session.OutputMetadata[output];
            if (outputMeta.ElementDataType != TensorElementType.Float)
                throw new InvalidOperationException($"the model's output '{output}' is {outputMeta.ElementDataType}, not float logits");
            if (outputMeta.Dimensions.Length != 2)
                throw new InvalidOperationException($"the model's output '{output}' has {outputMeta.Dimensions.Length} dimensions, not [batch, labels]");
            var outputLabels = outputMeta.Dimensions[1];
            if (outputLabels > 1 && attackIndex >= outputLabels)
                throw new InvalidOperationException($"the attack label index {attackIndex} is outside the model's {outputLabels} outputs");
            return new OnnxClassifier(session, tokenizer, attackIndex, labels?.GetValueOrDefault(attackIndex), inputIds,
                inputs.ContainsKey("attention_mask") ? "attention_mask" : null,
                inputs.ContainsKey("token_type_ids") ? "token_type_ids" : null,
                int32, output);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Classifies one batch of token sequences (special tokens included) and returns each one's attack probability
    /// (softmax over the labels; a sigmoid when the model has a single logit). Cancellation stops a running
    /// inference through ONNX Runtime's terminate flag.
    /// </summary>
    public float[] AttackProbabilities(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken)
    {
        var batch = sequences.Count;
        var length = sequences.Max(s => s.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        for (var b = 0; b < batch; b++)
        {
            var sequence = sequences[b];
            for (var i = 0; i < length; i++)
            {
                var real = i < sequence.Length;
                ids[(b * length) + i] = real ? sequence[i] : Tokenizer.PadId;
                mask[(b * length) + i] = real ? 1 : 0;
            }
        }
        long[] shape = [batch, length];
        var names = new List<string>(3) { _inputIds };
        var values = new List<OrtValue>(3) { Tensor(ids, shape) };
        try
        {
            if (_attentionMask is not null) { names.Add(_attentionMask); values.Add(Tensor(mask, shape)); }
            if (_tokenTypeIds is not null) { names.Add(_tokenTypeIds); values.Add(Tensor(new long[batch * length], shape)); }
            using var runOptions = new RunOptions();
            using var registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
            try
            {
                using var results = _session.Run(runOptions, names, values, _outputs);
                var logits = results[0].GetTensorDataAsSpan<float>();
                var shapeOut = results[0].GetTensorTypeAndShape().Shape;
                var labels = shapeOut.Length == 2 ? (int)shapeOut[1] : 0;
                if (shapeOut.Length != 2 || shapeOut[0] != batch || labels < 1)
                    throw new InvalidOperationException($"the model returned logits of shape [{string.Join(", ", shapeOut)}], not [{batch}, labels]");
                if (labels > 1 && AttackIndex >= labels)
                    throw new InvalidOperationException($"the attack label index {AttackIndex} is outside the model's {labels} outputs");
                var probabilities = new float[batch];
                for (var b = 0; b < batch; b++) probabilities[b] = Probability(logits.Slice(b * labels, labels));
                return probabilities;
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private float Probability(ReadOnlySpan<float> logits)
    {
        if (logits.Length == 1) return 1f / (1f + MathF.Exp(-logits[0]));
        var max = float.NegativeInfinity;
        foreach (var l in logits) max = MathF.Max(max, l);
        var sum = 0f;
        foreach (var l in logits) sum += MathF.Exp(l - max);
        return MathF.Exp(logits[AttackIndex] - max) / sum;
    }

    private OrtValue Tensor(long[] data, long[] shape) =>
        _int32
            ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (int)v), shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);

    private static Dictionary<int, string>? ReadLabels(string configPath, bool required)
    {
        if (!File.Exists(configPath))
            return required ? throw new InvalidOperationException($"AttackLabel needs config.json at '{configPath}'") : null;
        try
        {
            using var stream = File.OpenRead(configPath);
            using var document = JsonDocument.Parse(stream);
            if (!document.RootElement.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
                return required ? throw new InvalidOperationException($"'{configPath}' has no id2label map") : null;
            var labels = new Dictionary<int, string>();
            foreach (var entry in map.EnumerateObject())
                if (int.TryParse(entry.Name, System.Globalization.CultureInfo.InvariantCulture, out var index))
                    labels[index] = entry.Value.GetString() ?? "";
            return labels;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"config '{configPath}': {ex.Message}", ex);
        }
    }

    public void Dispose() => _session.Dispose();
}
