using Tokengate.Simulator;

namespace Tokengate.Up;

/// <summary>One simulated Azure OpenAI resource of <c>tokengate up</c>.</summary>
internal sealed record UpBackend(UpBackendSpec Spec, SimulatorServer Server)
{
    public static IReadOnlyList<UpBackendSpec> Specs { get; } =
    [
        new("ptu-eastus", "East US", SimulatedDeploymentType.Provisioned),
        new("paygo-swedencentral", "Sweden Central", SimulatedDeploymentType.Standard, Batch: true),
        new("paygo-westus3", "West US 3", SimulatedDeploymentType.Standard),
    ];
}
