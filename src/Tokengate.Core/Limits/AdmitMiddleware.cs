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

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var admitted = _step.AdmitAsync(feature, context.RequestAborted);
        // Admitted without waiting (nearly always): no async step of this middleware's own.
        if (!admitted.IsCompletedSuccessfully) return AwaitAsync(context, admitted);
        return admitted.Result is { } refused ? refused.WriteAsync(context) : next(context);
    }

    private async Task AwaitAsync(HttpContext context, ValueTask<OpenAI.GatewayError?> admitted)
    {
        if (await admitted.ConfigureAwait(false) is { } refused)
        {
            await refused.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }
}
