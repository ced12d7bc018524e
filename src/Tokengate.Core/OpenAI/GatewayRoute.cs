namespace Tokengate.OpenAI;

/// <summary>Endpoint metadata that tells the pipeline what a matched route is.</summary>
/// <param name="Operation">The model operation.</param>
/// <param name="Family">The URL shape.</param>
internal sealed record GatewayRoute(OpenAIOperation Operation, RouteFamily Family)
{
    /// <summary>The operation's path after the deployment (classic) or the version prefix (v1).</summary>
    public string OperationPath { get; } = Operation switch
    {
        OpenAIOperation.ChatCompletions => "chat/completions",
        OpenAIOperation.Completions => "completions",
        _ => "embeddings",
    };

    /// <summary>The operation name Azure uses in its messages.</summary>
    public string AzureOperationName { get; } = Operation switch
    {
        OpenAIOperation.ChatCompletions => "chatCompletion",
        OpenAIOperation.Completions => "completion",
        _ => "embeddings",
    };
}
