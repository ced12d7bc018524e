using Tokengate.Simulator.Batches;
using Tokengate.Simulator.ContentSafety;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.FineTuning;
using Tokengate.Simulator.Randomness;
using Tokengate.Simulator.Responses;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Hosting;

/// <summary>Everything one simulator instance shares across requests.</summary>
internal sealed class SimulatorRuntime(SimulatorOptions options, TimeProvider time)
{
    public SimulatorOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public DeploymentRegistry Deployments { get; } = new(options, time);

    public TokenizerProvider Tokenizers { get; } = new();

    public SimulatorRandom Random { get; } = new(options.Seed);

    /// <summary>Stored Responses API responses: one Azure resource's worth, shared by its deployments.</summary>
    public ResponseStore Responses { get; } = new(options.StoredResponsesLimit);

    /// <summary>Files of the resource (uploaded, imported, assembled from Uploads, job results).</summary>
    public FileStore Files { get; } = new();

    public UploadStore Uploads { get; } = new();

    public FineTuningJobStore FineTuningJobs { get; } = new();

    public BatchStore Batches { get; } = new();

    /// <summary>Armed faults of the files, uploads and fine-tuning calls, which reach no deployment.</summary>
    public ResourceFaults ResourceFaults { get; } = new();

    /// <summary>The Azure AI Content Safety resource beside the OpenAI one (Prompt Shields).</summary>
    public ContentSafetyState ContentSafety { get; } = new(options.ContentSafety);

    public long NowTicks => Time.GetUtcNow().UtcTicks;

    /// <summary>A deployment's counters now, with a batch deployment's enqueued tokens, which its batches hold.</summary>
    public SimulatedDeploymentStats Stats(DeploymentState deployment)
    {
        var now = NowTicks;
        var stats = deployment.Stats(now);
        return deployment.Snapshot.IsBatch ? stats with { EnqueuedTokens = Batches.EnqueuedTokens(deployment.Name, now) } : stats;
    }
}
