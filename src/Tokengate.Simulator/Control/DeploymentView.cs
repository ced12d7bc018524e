namespace Tokengate.Simulator.Control;

/// <summary>What the control endpoint shows of one deployment.</summary>
internal sealed record DeploymentView(string Name, SimulatedDeploymentOptions Settings, SimulatedDeploymentStats Stats);
