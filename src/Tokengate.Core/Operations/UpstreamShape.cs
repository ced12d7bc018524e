namespace Tokengate.Operations;

/// <summary>Where an operation goes on a backend of each protocol.</summary>
/// <param name="AzurePath">
/// On an Azure OpenAI resource: after <c>openai/deployments/{deployment}/</c> when
/// <paramref name="AzureDeploymentInPath"/>, else from the resource root (e.g. <c>openai/v1/responses/{id}</c>).
/// </param>
/// <param name="AzureDeploymentInPath">True for the classic shape (<c>?api-version=</c> added); false for v1 routes, where the deployment travels as the body's <c>model</c>.</param>
/// <param name="OpenAIPath">
/// On an OpenAI-compatible base URL (e.g. <c>responses/{id}</c>); the deployment travels as the body's <c>model</c>.
/// Null when such a backend has no equivalent: the operation is then refused for it, saying so.
/// </param>
/// <param name="RouteValue">The route value a templated path fills in (<c>{id}</c>, <c>{path}</c>), if any.</param>
internal sealed record UpstreamShape(string AzurePath, bool AzureDeploymentInPath, string? OpenAIPath, string? RouteValue = null)
{
    /// <summary>Whether a path holds a route value and so cannot be cached per backend.</summary>
    public bool IsTemplated => RouteValue is not null;
}
