using System.ClientModel.Primitives;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Records the address of every request a client sends, to show which route family it used.</summary>
internal sealed class SdkRequestLog : PipelinePolicy
{
    private readonly List<Uri> _uris = [];

    public IReadOnlyList<Uri> Uris
    {
        get
        {
            lock (_uris) return [.. _uris];
        }
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Record(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Record(PipelineMessage message)
    {
        lock (_uris) _uris.Add(message.Request.Uri!);
    }
}
