using Microsoft.Extensions.Logging;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// The <c>onnx</c> detector: an operator-supplied prompt-injection classifier (ProtectAI's DeBERTa-v3 export, Llama
/// Prompt Guard 2, or any sequence classifier of that form) run on the CPU. Each user-prompt piece and each document
/// is tokenized, cut into overlapping windows of <see cref="OnnxDetectorOptions.MaxTokens"/>, and the windows are
/// classified in batches; a piece's attack probability is the highest of its windows. An attack in the user prompt
/// is a jailbreak, one in a document an indirect attack (a jailbreak wins); the score is the highest probability seen.
/// <para>
/// The model is loaded once: on first use, or at start by <see cref="OnnxWarmUp"/> when
/// <see cref="OnnxDetectorOptions.LoadOnStart"/> is set. A model that cannot be loaded is logged once and every call
/// then answers "could not judge" instead of throwing. At most <see cref="OnnxDetectorOptions.MaxConcurrency"/>
/// requests run inference at once; the others wait, honouring their cancellation. Inference runs on the calling
/// thread. Cancelling the token throws <see cref="OperationCanceledException"/>, also in the middle of an inference.
/// </para>
/// </summary>
internal sealed partial class OnnxDetector : IPromptDetector, IDisposable
{
    public const string DetectorName = "onnx";

    private readonly OnnxDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OnnxDetector> _logger;
    private readonly Lazy<(OnnxClassifier? Classifier, string? Error)> _model;
    private readonly SemaphoreSlim _gate;

    public OnnxDetector(OnnxDetectorOptions options, TimeProvider time, ILogger<OnnxDetector> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _model = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
        _gate = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
    }

    public string Name => DetectorName;

    /// <summary>Loads the model now if it is not loaded yet; true when it is usable.</summary>
    public bool EnsureLoaded() => _model.Value.Classifier is not null;

    public async ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var (classifier, error) = _model.Value;
        if (classifier is null) return DetectorVerdict.Failed(Name, _time.GetElapsedTime(started), $"model could not be loaded: {error}");
        if (input.IsEmpty) return new DetectorVerdict(Name, true, AttackKind.None, 0, _time.GetElapsedTime(started));

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var chunks = new List<(int[] Tokens, bool Document)>();
            var specials = classifier.Tokenizer.Prefix.Count + classifier.Tokenizer.Suffix.Count;
            foreach (var (text, document) in input.UserPrompt.Select(t => (t, false)).Concat(input.Documents.Select(t => (t, true))))
            {
                if (string.IsNullOrWhiteSpace(text)) continue;
                var ids = classifier.Tokenizer.Encode(text);
                var needed = chunks.Count + TokenChunker.CountChunks(ids.Count, _options.MaxTokens, _options.Overlap, specials);
                if (needed > _options.MaxChunksPerRequest)
                    return DetectorVerdict.Failed(Name, _time.GetElapsedTime(started),
                        $"input too long: more than {_options.MaxChunksPerRequest} chunks of {_options.MaxTokens} tokens (MaxChunksPerRequest)");
                foreach (var chunk in TokenChunker.Chunk(ids, _options.MaxTokens, _options.Overlap, classifier.Tokenizer.Prefix, classifier.Tokenizer.Suffix))
                    chunks.Add((chunk, document));
            }

            double promptScore = 0, documentScore = 0;
            var batch = new List<int[]>(_options.MaxBatchSize);
            for (var start = 0; start < chunks.Count; start += _options.MaxBatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(_options.MaxBatchSize, chunks.Count - start);
                batch.Clear();
                for (var i = 0; i < count; i++) batch.Add(chunks[start + i].Tokens);
                var probabilities = classifier.AttackProbabilities(batch, cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    if (chunks[start + i].Document) documentScore = Math.Max(documentScore, probabilities[i]);
                    else promptScore = Math.Max(promptScore, probabilities[i]);
                }
            }

            var attack = promptScore >= _options.Threshold ? AttackKind.Jailbreak
                : documentScore >= _options.Threshold ? AttackKind.IndirectAttack
                : AttackKind.None;
            return new DetectorVerdict(Name, true, attack, Math.Max(promptScore, documentScore), _time.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never the screened text: the message of an ONNX Runtime or shape error names the model, not the input.
            LogInferenceFailed(_logger, ex.GetType().Name, ex.Message);
            return DetectorVerdict.Failed(Name, _time.GetElapsedTime(started), $"inference failed: {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private (OnnxClassifier?, string?) Load()
    {
        var started = _time.GetTimestamp();
        try
        {
            var classifier = OnnxClassifier.Load(_options);
            LogLoaded(_logger, _options.ModelPath ?? "", classifier.AttackIndex, classifier.AttackLabel ?? "(no config.json)",
                (long)_time.GetElapsedTime(started).TotalMilliseconds);
            return (classifier, null);
        }
        catch (Exception ex)
        {
            // One line, once: every later call answers from the stored reason.
            LogLoadFailed(_logger, _options.ModelPath ?? "", ex.Message);
            return (null, ex.Message);
        }
    }

    public void Dispose()
    {
        if (_model.IsValueCreated) _model.Value.Classifier?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(2471, LogLevel.Information, "ONNX screening model {Model} loaded in {Milliseconds} ms; attack label index {Index} ({Label})")]
    private static partial void LogLoaded(ILogger logger, string model, int index, string label, long milliseconds);

    [LoggerMessage(2472, LogLevel.Error, "ONNX screening model {Model} could not be loaded; the onnx detector answers 'could not judge' to every request until restart: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string model, string reason);

    [LoggerMessage(2473, LogLevel.Warning, "ONNX screening inference failed ({Type}): {Reason}")]
    private static partial void LogInferenceFailed(ILogger logger, string type, string reason);
}
