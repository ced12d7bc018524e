namespace Tokengate.Proxy;

/// <summary>The stream of an operation the gateway does not meter: relayed as it is; its end is the connection's.</summary>
internal sealed class PassThroughStreamTap : StreamTap
{
    private static readonly byte[] Broken =
        "event: error\ndata: {\"type\":\"error\",\"code\":\"stream_interrupted\",\"message\":\"The stream was interrupted before it finished. Please retry the request.\",\"param\":null}\n\n"u8.ToArray();

    public override string CompletionText => "";

    public override bool Ended => true;

    public override bool Inspect(ReadOnlySpan<byte> sseEvent) => true;

    public override ReadOnlyMemory<byte> BrokenStreamEvent() => Broken;
}
