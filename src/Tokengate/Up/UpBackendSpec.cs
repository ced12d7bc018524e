using Tokengate.Simulator;

namespace Tokengate.Up;

/// <summary>
/// The shape of one simulated resource: a chat deployment of its type, an embeddings deployment, the media and realtime
/// deployments, and with <paramref name="Batch"/> a Global Batch deployment of the chat model.
/// </summary>
internal sealed record UpBackendSpec(string Name, string Region, SimulatedDeploymentType Type, bool Batch = false)
{
    public SimulatorOptions CreateOptions(string backendKey, UpSettings settings)
    {
        var options = new SimulatorOptions { Region = Region, ApiKeys = [backendKey] };
        var chat = new SimulatedDeploymentOptions
        {
            Model = "gpt-4o-2024-08-06",
            Type = Type,
            TokensPerMinute = 150_000,
            ProvisionedThroughputUnits = 15,
        };
        var embeddings = new SimulatedDeploymentOptions { Model = "text-embedding-3-small", TokensPerMinute = 350_000 };
        if (settings.RealisticLatency)
        {
            chat.Latency.TimeToFirstTokenMs = 150;
            chat.Latency.PerTokenMs = 8;
            chat.Latency.JitterRatio = 0.2;
            embeddings.Latency.TimeToFirstTokenMs = 40;
        }
        if (!settings.RealisticLatency)
        {
            // Files are processed and fine-tuning jobs run through their steps at once.
            options.FineTuning.FileProcessingMs = 0;
            options.FineTuning.ValidatingFilesMs = 0;
            options.FineTuning.QueuedMs = 0;
            options.FineTuning.RunningMs = 0;
            options.Batches.ValidatingMs = 0;
            options.Batches.InProgressMs = 0;
            options.Batches.FinalizingMs = 0;
        }

        options.Deployments[UpEnvironment.ChatDeployment] = chat;
        if (Batch)
            options.Deployments[UpEnvironment.BatchDeployment] = new SimulatedDeploymentOptions { Model = chat.Model, Type = SimulatedDeploymentType.GlobalBatch };
        options.Deployments[UpEnvironment.EmbeddingsDeployment] = embeddings;
        // Images, audio and realtime: pay-as-you-go deployments on every resource, with room for a demo or a test run.
        foreach (var (deployment, model) in UpEnvironment.MediaDeployments)
        {
            var media = new SimulatedDeploymentOptions { Model = model, TokensPerMinute = 1_000_000 };
            if (settings.RealisticLatency)
            {
                media.Latency.TimeToFirstTokenMs = 100;
                media.Latency.PerTokenMs = 2;
            }
            options.Deployments[deployment] = media;
        }
        return options;
    }
}
