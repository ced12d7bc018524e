using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Deployments;

namespace Tokengate.Simulator.Protocol;

/// <summary>One routed, authenticated data-plane request and the settings version it runs under.</summary>
internal sealed class SimulatedCall(HttpContext context, DeploymentState deployment, SimulatedOperation operation, string apiVersion)
{
    public HttpContext Context { get; } = context;

    public DeploymentState Deployment { get; } = deployment;

    /// <summary>Read once, so a concurrent update never mixes two versions within one request.</summary>
    public DeploymentSnapshot Snapshot { get; } = deployment.Snapshot;

    public SimulatedOperation Operation { get; } = operation;

    public string ApiVersion { get; } = apiVersion;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>Provisioned: what admission added to the bucket, corrected to actual usage at the end.</summary>
    public double AdmittedEstimate { get; set; }
}
