using Tokengate.OpenAI;

namespace Tokengate.FineTuning;

/// <summary>
/// The outcome of placing a file on a backend: the backend's id of it, or the backend's refusal (for the failover loop
/// to classify), or the gateway's answer to the consumer (the backend rejected the content, or it took too long).
/// </summary>
internal readonly record struct FilePlacement(string? BackendFileId, BackendReply? Refused, GatewayError? Error)
{
    public static FilePlacement Placed(string id) => new(id, null, null);

    public static FilePlacement RefusedBy(BackendReply reply) => new(null, reply, null);

    public static FilePlacement Failed(GatewayError error) => new(null, null, error);
}
