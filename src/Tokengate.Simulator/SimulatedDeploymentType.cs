namespace Tokengate.Simulator;

/// <summary>How a simulated deployment is rate limited, and whether it serves live calls or batches.</summary>
public enum SimulatedDeploymentType
{
    /// <summary>Pay-as-you-go: tokens per minute and requests per 10 seconds, with <c>x-ratelimit-*</c> headers.</summary>
    Standard,

    /// <summary>Provisioned throughput: a draining utilization bucket and <c>azure-openai-deployment-utilization</c>.</summary>
    Provisioned,

    /// <summary>
    /// Azure's Global-Batch SKU (<c>globalbatch</c>): serves only the Batch API (lines whose <c>body.model</c> names it),
    /// within <see cref="SimulatedDeploymentOptions.EnqueuedTokenQuota"/>; a live chat, Responses, embeddings, image,
    /// audio or realtime call gets 400 <c>OperationNotSupported</c>.
    /// </summary>
    GlobalBatch,

    /// <summary>Azure's Data Zone Batch SKU: behaves as <see cref="GlobalBatch"/> (the data zone is not simulated).</summary>
    DataZoneBatch,
}
