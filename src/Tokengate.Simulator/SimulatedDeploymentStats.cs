namespace Tokengate.Simulator;

/// <summary>Live counters and limiter state of one simulated deployment.</summary>
public sealed record SimulatedDeploymentStats
{
    /// <summary>Deployment name.</summary>
    public required string Deployment { get; init; }

    /// <summary>Requests that reached this deployment (authenticated and routed).</summary>
    public long RequestsReceived { get; init; }

    /// <summary>Requests answered 2xx and completed (streams included only when they finished).</summary>
    public long Succeeded { get; init; }

    /// <summary>Requests answered 429, by the limiter or by injection.</summary>
    public long Throttled { get; init; }

    /// <summary>Requests that failed otherwise: 4xx/5xx answers, aborted connections, cut streams.</summary>
    public long Failed { get; init; }

    /// <summary>Prompt (input) tokens of succeeded requests, all modalities: the sum of the three <c>Input…Tokens</c>.</summary>
    public long PromptTokens { get; init; }

    /// <summary>Completion (output) tokens of succeeded requests, all modalities: the sum of the three <c>Output…Tokens</c>.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>Input text tokens billed: prompts of chat, completions, embeddings and Responses, image prompts, transcription prompts, speech input.</summary>
    public long InputTextTokens { get; init; }

    /// <summary>Input audio tokens billed (token-billed transcription: ten per second of audio).</summary>
    public long InputAudioTokens { get; init; }

    /// <summary>Input image tokens billed (images uploaded to gpt-image edits).</summary>
    public long InputImageTokens { get; init; }

    /// <summary>Output text tokens billed: completions, and token-billed transcripts.</summary>
    public long OutputTextTokens { get; init; }

    /// <summary>Output audio tokens billed (token-billed speech: ten per second of audio).</summary>
    public long OutputAudioTokens { get; init; }

    /// <summary>Output image tokens billed (gpt-image models, partial images included).</summary>
    public long OutputImageTokens { get; init; }

    /// <summary>Images produced by succeeded image requests, whatever the model.</summary>
    public long Images { get; init; }

    /// <summary>Audio seconds billed by duration-billed models (whisper), each request rounded up to a whole second.</summary>
    public double AudioSeconds { get; init; }

    /// <summary>Input characters billed by character-billed speech models (tts-1, tts-1-hd).</summary>
    public long Characters { get; init; }

    /// <summary>Provisioned: current utilization in percent. Standard: tokens used in the window as a percentage of TPM.</summary>
    public double UtilizationPercent { get; init; }

    /// <summary>Standard: requests left in the current 10 s window; null for Provisioned.</summary>
    public int? RemainingRequests { get; init; }

    /// <summary>Standard: tokens left in the current 60 s window; null for Provisioned.</summary>
    public int? RemainingTokens { get; init; }

    /// <summary>Injected failures still armed by <see cref="SimulatedFaultOptions.FailNextCount"/>.</summary>
    public int PendingFailures { get; init; }

    /// <summary>Connection resets still armed by <see cref="SimulatedFaultOptions.ResetNextCount"/>.</summary>
    public int PendingResets { get; init; }

    /// <summary>Stream cuts still armed by <see cref="SimulatedFaultOptions.MidStreamCutNextCount"/>.</summary>
    public int PendingStreamCuts { get; init; }

    /// <summary>
    /// GlobalBatch and DataZoneBatch: input tokens of this deployment's batches now <c>validating</c>,
    /// <c>in_progress</c> or <c>finalizing</c>, counted against <see cref="SimulatedDeploymentOptions.EnqueuedTokenQuota"/>;
    /// null for other types.
    /// </summary>
    public long? EnqueuedTokens { get; init; }

    /// <summary>Standard: end of a forced throttling period, if one is active.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }
}
