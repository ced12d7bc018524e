using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tokengate.Screening.Onnx;

public sealed class OnnxRegistrationTests
{
    private static ServiceCollection Register(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddOnnxScreening(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }

    [Fact]
    public void AddOnnxScreening_NoModelPath_AddsNothing()
    {
        Assert.Empty(Register([]));
    }

    [Fact]
    public void AddOnnxScreening_ModelPath_AddsTheDetectorAndTheWarmUp()
    {
        var services = Register(new() { ["Tokengate:Screening:Onnx:ModelPath"] = "/models/model.onnx" });
        Assert.Contains(services, d => d.ServiceType == typeof(IPromptDetector));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(OnnxWarmUp));
    }

    [Fact]
    public void AddOnnxScreening_LoadOnStartFalse_NoWarmUp()
    {
        var services = Register(new() { ["Tokengate:Screening:Onnx:ModelPath"] = "/models/model.onnx", ["Tokengate:Screening:Onnx:LoadOnStart"] = "false" });
        Assert.Contains(services, d => d.ServiceType == typeof(IPromptDetector));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
    }
}
