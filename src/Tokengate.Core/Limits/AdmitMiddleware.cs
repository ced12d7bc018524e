using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Accounting;
using Tokengate.Hosting;
using Tokengate.Priority;
using Tokengate.Tokens;

namespace Tokengate.Limits;

/// <summary>Step 6 at the HTTP edge: <see cref="AdmissionStep"/>, its refusal written as the response.</summary>
internal sealed class AdmitMiddleware(RequestDelegate next, TokenCounter counter, ILimitStore limits, IBudgetStore budgets, TimeProvider time, WaitQueue queue)
{
    private readonly AdmissionStep _step = new(counter, limits, budgets, time, queue);

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        if (await _step.AdmitAsync(feature, context.RequestAborted).ConfigureAwait(false) is { } refused)
        {
            await refused.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }
}
