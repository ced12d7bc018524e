namespace Tokengate.Simulator;

/// <summary>
/// Settings of the Azure OpenAI simulator. Bindable from the configuration section <c>Simulator</c>.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Simulator";

    /// <summary>Region reported in <c>x-ms-region</c> on every response. Default <c>East US</c>.</summary>
    public string Region { get; set; } = "East US";

    /// <summary>
    /// Accepted API keys (sent as <c>api-key</c> or <c>Authorization: Bearer</c>). Empty (the default) accepts any
    /// key, but a key or bearer token must still be present. A bearer token that looks like a JWT is always accepted.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Whether streaming responses start with Azure's prompt-filter chunk (empty <c>choices</c>). Default <c>true</c>,
    /// as the real service does; switch off to look like api.openai.com.
    /// </summary>
    public bool PromptFilterChunk { get; set; } = true;

    /// <summary>Seed of the random source used for latency jitter and probabilistic faults. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// Whether the runtime control endpoint <c>/_simulator/deployments</c> is mapped. It needs no key, so switch it
    /// off when the simulator is reachable by others. Default <c>true</c>.
    /// </summary>
    public bool ControlEnabled { get; set; } = true;

    /// <summary>
    /// How many stored Responses API responses (<c>store: true</c>, the default) this instance keeps in memory, as one
    /// Azure resource keeps them; beyond it the oldest are forgotten (a later GET answers 404 and a
    /// <c>previous_response_id</c> naming one answers 400). Default 10,000.
    /// </summary>
    public int StoredResponsesLimit { get; set; } = 10_000;

    /// <summary>Files, uploads and fine-tuning jobs: step durations, base models, deployment of tuned models.</summary>
    public SimulatedFineTuningOptions FineTuning { get; set; } = new();

    /// <summary>Batch jobs: step durations on the simulator's clock.</summary>
    public SimulatedBatchOptions Batches { get; set; } = new();

    /// <summary>
    /// The Azure AI Content Safety resource served beside the deployments (Prompt Shields,
    /// <c>POST /contentsafety/text:shieldPrompt</c>): its rate limit, latency and faults.
    /// </summary>
    public SimulatedContentSafetyOptions ContentSafety { get; set; } = new();

    /// <summary>Simulated deployments by deployment name (case-insensitive). Default none.</summary>
    public Dictionary<string, SimulatedDeploymentOptions> Deployments { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
