namespace Tokengate.Simulator;

/// <summary>How a simulated deployment is rate limited.</summary>
public enum SimulatedDeploymentType
{
    /// <summary>Pay-as-you-go: tokens per minute and requests per 10 seconds, with <c>x-ratelimit-*</c> headers.</summary>
    Standard,

    /// <summary>Provisioned throughput: a draining utilization bucket and <c>azure-openai-deployment-utilization</c>.</summary>
    Provisioned,
}
