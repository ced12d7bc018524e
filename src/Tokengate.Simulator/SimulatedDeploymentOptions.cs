namespace Tokengate.Simulator;

/// <summary>Settings of one simulated deployment.</summary>
public sealed class SimulatedDeploymentOptions
{
    /// <summary>
    /// Underlying model and version, reported as <c>model</c> in responses. The operation kind (chat, legacy
    /// completions, embeddings, images, transcription, speech) and the tokenizer encoding are derived from it. Default <c>gpt-4o-2024-08-06</c>.
    /// </summary>
    public string Model { get; set; } = "gpt-4o-2024-08-06";

    /// <summary>
    /// Standard (TPM/RPM), Provisioned (utilization), or a batch SKU (GlobalBatch, DataZoneBatch) that serves only the
    /// Batch API. Default <see cref="SimulatedDeploymentType.Standard"/>.
    /// </summary>
    public SimulatedDeploymentType Type { get; set; } = SimulatedDeploymentType.Standard;

    /// <summary>Standard only: tokens per minute, over a 60 s sliding window. Default 100,000.</summary>
    public int TokensPerMinute { get; set; } = 100_000;

    /// <summary>
    /// Standard only: requests per minute granted per 1,000 TPM. Requests are enforced per 10 s with a budget of
    /// RPM / 6, as the live service does. Default 6.
    /// </summary>
    public int RequestsPerMinutePer1000Tpm { get; set; } = 6;

    /// <summary>
    /// Standard only: requests per minute, replacing the TPM-derived rate (<see cref="RequestsPerMinutePer1000Tpm"/>
    /// × TPM / 1,000). Default null: that derived rate. Chat, embeddings and audio deployments enforce the rate per
    /// 10 s with a budget of RPM / 6, as above. Image deployments (dall-e-3, gpt-image-1), whose Azure quota is in
    /// requests per minute (the default 2 capacity units grant 6 RPM), enforce it over a 60 s sliding window and are not
    /// charged tokens; a request beyond it gets 429 with <c>retry-after</c> / <c>retry-after-ms</c> exact to when the
    /// oldest request in the window leaves it.
    /// </summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Provisioned only: deployed PTUs. Default 15.</summary>
    public int ProvisionedThroughputUnits { get; set; } = 15;

    /// <summary>Provisioned only: input tokens per minute one PTU absorbs. Default 2,500 (gpt-4o).</summary>
    public int TokensPerPtuPerMinute { get; set; } = 2_500;

    /// <summary>Provisioned only: how many input tokens one output token costs in the bucket. Default 4.</summary>
    public double OutputTokenWeight { get; set; } = 4;

    /// <summary>
    /// GlobalBatch and DataZoneBatch only: the enqueued-token quota, the input tokens (the simulator's own count of
    /// every line's prompt) of this deployment's batches that may be <c>validating</c>, <c>in_progress</c> or
    /// <c>finalizing</c> at once. A batch created beyond it fails at the end of validation with
    /// <c>token_limit_exceeded</c>, as the service fails it. Default 200,000,000 (Azure's default-tier quota for gpt-4.1
    /// and gpt-5; mini models get 1B, the Enterprise tier 5B and 15B).
    /// </summary>
    public long EnqueuedTokenQuota { get; set; } = 200_000_000;

    /// <summary>Context window in tokens; larger prompts get 400 <c>context_length_exceeded</c>. Default 128,000.</summary>
    public int ContextWindow { get; set; } = 128_000;

    /// <summary>
    /// The deployment's own service tier, which serves requests that ask for <c>auto</c> or name none: <c>default</c>
    /// or <c>priority</c> (Azure's per-deployment priority processing). Chat and Responses answers report the tier
    /// that served them in <c>service_tier</c>. Default <c>default</c>.
    /// </summary>
    public string ServiceTier { get; set; } = "default";

    /// <summary>
    /// Serve requests for <c>priority</c> (and <c>auto</c> on a priority deployment) as <c>default</c>, answering
    /// <c>service_tier: "default"</c>, as Azure does past its priority ramp limit. Default false.
    /// </summary>
    public bool PriorityDowngrade { get; set; }

    /// <summary>Whether <c>service_tier: "flex"</c> is served; when false such a request gets 400 <c>invalid_request_error</c>, with no fallback. Default true.</summary>
    public bool SupportsFlex { get; set; } = true;

    /// <summary>
    /// Chat only: refuse a prompt in which the simulated prompt filter detects a jailbreak (a user message containing
    /// <c>[[azure-jailbreak]]</c>) with Azure's 400 <c>content_filter</c>, as a deployment whose content filter blocks
    /// jailbreaks does. Default false: such a prompt is served and annotated <c>jailbreak: {filtered: false, detected: true}</c>
    /// in <c>prompt_filter_results</c>, as an annotate-only filter does.
    /// </summary>
    public bool BlockJailbreaks { get; set; }

    /// <summary>Latency model. Default all zero (answers at once).</summary>
    public SimulatedLatencyOptions Latency { get; set; } = new();

    /// <summary>Fault injection. Default none.</summary>
    public SimulatedFaultOptions Faults { get; set; } = new();
}
