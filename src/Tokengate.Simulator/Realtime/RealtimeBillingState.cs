namespace Tokengate.Simulator.Realtime;

/// <summary>The running totals behind <see cref="RealtimeSessionStats"/>; updated before the event that reports them is sent.</summary>
internal sealed class RealtimeBillingState(string id, string deployment, string model, RealtimeDialect dialect)
{
    private readonly Lock _lock = new();
    private bool _open = true;
    private int _completed;
    private int _incomplete;
    private int _cancelled;
    private int _failed;
    private int _cut;
    private long _inputText;
    private long _inputAudio;
    private long _outputText;
    private long _outputAudio;
    private int _transcriptions;
    private long _transcriptionInput;
    private long _transcriptionOutput;
    private double _transcriptionSeconds;

    public string Id { get; } = id;

    public void RecordResponse(string status, RealtimeUsage usage)
    {
        lock (_lock)
        {
            switch (status)
            {
                case "completed":
                    _completed++;
                    break;
                case "incomplete":
                    _incomplete++;
                    break;
                case "cancelled":
                    _cancelled++;
                    break;
                default:
                    _failed++;
                    break;
            }

            _inputText += usage.InputTextTokens;
            _inputAudio += usage.InputAudioTokens;
            _outputText += usage.OutputTextTokens;
            _outputAudio += usage.OutputAudioTokens;
        }
    }

    public void RecordCut()
    {
        lock (_lock)
        {
            _cut++;
        }
    }

    public void RecordTranscription(int inputTokens, int outputTokens, double seconds)
    {
        lock (_lock)
        {
            _transcriptions++;
            _transcriptionInput += inputTokens;
            _transcriptionOutput += outputTokens;
            _transcriptionSeconds += seconds;
        }
    }

    public void RecordClosed()
    {
        lock (_lock)
        {
            _open = false;
        }
    }

    public RealtimeSessionStats Snapshot()
    {
        lock (_lock)
        {
            return new RealtimeSessionStats
            {
                Id = Id,
                Deployment = deployment,
                Model = model,
                Protocol = dialect == RealtimeDialect.GA ? "ga" : "beta",
                Open = _open,
                Responses = _completed + _incomplete + _cancelled + _failed,
                Completed = _completed,
                Incomplete = _incomplete,
                Cancelled = _cancelled,
                Failed = _failed,
                Cut = _cut,
                InputTokens = _inputText + _inputAudio,
                InputTextTokens = _inputText,
                InputAudioTokens = _inputAudio,
                OutputTokens = _outputText + _outputAudio,
                OutputTextTokens = _outputText,
                OutputAudioTokens = _outputAudio,
                Transcriptions = _transcriptions,
                TranscriptionInputTokens = _transcriptionInput,
                TranscriptionOutputTokens = _transcriptionOutput,
                TranscriptionSeconds = _transcriptionSeconds,
            };
        }
    }
}
