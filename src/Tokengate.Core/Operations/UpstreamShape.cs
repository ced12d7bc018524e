namespace Tokengate.Operations;

/// <summary>Where an operation goes on a backend of each protocol.</summary>
/// <param name="AzurePath">
/// On an Azure OpenAI resource: after <c>openai/deployments/{deployment}/</c> when
/// <paramref name="AzureDeploymentInPath"/>, else from the resource root (e.g. <c>openai/v1/responses/{id}</c>).
/// </param>
/// <param name="AzureDeploymentInPath">True for the classic shape (<c>?api-version=</c> added); false for v1 routes, where the deployment travels as the body's <c>model</c>.</param>
/// <param name="OpenAIPath">On an OpenAI-compatible base URL (e.g. <c>responses/{id}</c>); the deployment travels as the body's <c>model</c>.</param>
internal sealed record UpstreamShape(string AzurePath, bool AzureDeploymentInPath, string OpenAIPath)
{
    /// <summary>Whether a path holds route values (<c>{id}</c>) and so cannot be cached per backend.</summary>
    public bool IsTemplated => AzurePath.Contains('{', StringComparison.Ordinal) || OpenAIPath.Contains('{', StringComparison.Ordinal);
}
