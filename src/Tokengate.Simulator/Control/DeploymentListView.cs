namespace Tokengate.Simulator.Control;

internal sealed record DeploymentListView(IReadOnlyList<DeploymentView> Data);
