using Microsoft.Extensions.Hosting;

namespace Tokengate.Screening.Onnx;

/// <summary>
/// Loads the ONNX model in the background when the gateway starts (<see cref="OnnxDetectorOptions.LoadOnStart"/>), so
/// the first screened request does not pay for it and a bad model file is in the log at once. Start is not delayed:
/// a request that comes before the load has finished waits for it.
/// </summary>
internal sealed class OnnxWarmUp(OnnxDetector detector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(detector.EnsureLoaded, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
