using Microsoft.AspNetCore.Http;
using Tokengate.OpenAI;

namespace Tokengate.Admin;

/// <summary>Lets admin endpoints return a <see cref="GatewayError"/> as their result.</summary>
internal sealed class GatewayErrorResult(GatewayError error) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => error.WriteAsync(httpContext);
}
