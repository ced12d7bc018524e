using Tokengate.Operations;

namespace Tokengate.OpenAI;

/// <summary>Endpoint metadata that tells the pipeline what a matched route is.</summary>
/// <param name="Operation">The operation, from <see cref="OperationRegistry"/>.</param>
/// <param name="Family">The URL shape.</param>
internal sealed record GatewayRoute(OperationDescriptor Operation, RouteFamily Family);
