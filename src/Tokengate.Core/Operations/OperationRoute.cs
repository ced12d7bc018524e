using Tokengate.OpenAI;

namespace Tokengate.Operations;

/// <summary>One route an operation answers on.</summary>
/// <param name="Family">The URL shape: classic (with <c>api-version</c>), Azure v1, or OpenAI's <c>/v1</c>.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Template">The route template, e.g. <c>/openai/v1/responses/{id}</c>.</param>
internal sealed record OperationRoute(RouteFamily Family, string Method, string Template);
