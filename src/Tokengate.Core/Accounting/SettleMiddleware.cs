using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;

namespace Tokengate.Accounting;

/// <summary>
/// Step 8 at the HTTP edge, around steps 6 and 7: once the response is done, whatever happened, the request is
/// settled (<see cref="SettleStep"/>) with the status the consumer got.
/// </summary>
internal sealed class SettleMiddleware(RequestDelegate next, SettleStep step)
{
    private readonly SettleStep _step = step;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            await _step.SettleAsync(feature, context.Response.StatusCode).ConfigureAwait(false);
        }
    }
}
