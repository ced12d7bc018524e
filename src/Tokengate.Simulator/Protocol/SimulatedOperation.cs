using Tokengate.Simulator.Deployments;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// A data-plane operation with the names Azure uses for it in 429 and 400 texts, and whether its body is
/// <c>multipart/form-data</c> (file uploads) rather than JSON. The media operations are in <c>Media/MediaOperations</c>.
/// </summary>
internal sealed record SimulatedOperation(ModelKind Kind, string RateLimitName, string NotSupportedName, bool Multipart = false)
{
    public static readonly SimulatedOperation ChatCompletions = new(ModelKind.Chat, "ChatCompletions_Create", "chatCompletion");
    public static readonly SimulatedOperation Completions = new(ModelKind.Completion, "Completions_Create", "completion");
    public static readonly SimulatedOperation Embeddings = new(ModelKind.Embeddings, "Embeddings_Create", "embeddings");
    public static readonly SimulatedOperation Responses = new(ModelKind.Chat, "Responses_Create", "responses");
}
