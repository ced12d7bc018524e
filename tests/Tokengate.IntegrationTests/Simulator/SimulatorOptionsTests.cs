using Microsoft.Extensions.Configuration;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class SimulatorOptionsTests
{
    [Fact]
    public async Task Bind_SimulatorSection_ServesConfiguredDeployments()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Region"] = "Sweden Central",
            ["Simulator:ApiKeys:0"] = "k1",
            ["Simulator:Deployments:Fast:Model"] = "gpt-4.1-mini",
            ["Simulator:Deployments:Fast:Type"] = "Provisioned",
            ["Simulator:Deployments:Fast:ProvisionedThroughputUnits"] = "25",
            ["Simulator:Deployments:Fast:Faults:ErrorRates:503"] = "0.25",
        }).Build();

        var options = configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>()!;
        await using var server = await SimulatorServer.StartAsync(options);

        var fast = server.Control.GetOptions("fast");
        Assert.Equal("gpt-4.1-mini", fast.Model);
        Assert.Equal(SimulatedDeploymentType.Provisioned, fast.Type);
        Assert.Equal(25, fast.ProvisionedThroughputUnits);
        Assert.Equal(0.25, fast.Faults.ErrorRates[503]);
        Assert.Equal(["Fast"], server.Control.Deployments);
    }

    [Fact]
    public async Task StartAsync_InvalidDeployment_Throws()
    {
        var options = new SimulatorOptions();
        options.Deployments["bad"] = new SimulatedDeploymentOptions { TokensPerMinute = 0 };

        await Assert.ThrowsAsync<ArgumentException>(() => SimulatorServer.StartAsync(options));
    }
}
