using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tokengate.Hosting;

namespace Tokengate.Screening;

/// <summary>
/// Step 5 at the HTTP edge: <see cref="ScreenStep"/>, its refusal written as the response; in mode <c>Annotate</c> the
/// verdict goes out in the <see cref="Header"/> response header. A request whose policy is off passes straight through,
/// without an async frame of its own.
/// </summary>
internal sealed class ScreenMiddleware(RequestDelegate next, ScreenStep step)
{
    /// <summary>
    /// The annotation header: <c>none</c>; <c>jailbreak; detector=rules; score=1.00</c> (or <c>indirect_attack; …</c>);
    /// or <c>unavailable</c> when no verdict could be established or no detector answered.
    /// </summary>
    public const string Header = "x-tokengate-screening";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<GatewayRequestFeature>();
        var screening = step.ScreenAsync(feature, context.RequestAborted);
        if (screening.IsCompletedSuccessfully && screening.Result is null && feature.Screening is null) return next(context);
        return ContinueAsync(context, feature, screening);
    }

    private async Task ContinueAsync(HttpContext context, GatewayRequestFeature feature, ValueTask<OpenAI.GatewayError?> screening)
    {
        if (await screening.ConfigureAwait(false) is { } refused)
        {
            feature.ScreenedOut = true;
            await refused.WriteAsync(context).ConfigureAwait(false);
            return;
        }
        if (feature.Screening is { Policy.Mode: ScreeningMode.Annotate } result) context.Response.Headers[Header] = HeaderValue(result);
        await next(context).ConfigureAwait(false);
    }

    public static string HeaderValue(ScreeningResult result)
    {
        // No verdict: either the policy could not establish one, or (failing open) no detector answered at all.
        if (!result.Established || result.NobodyAnswered) return "unavailable";
        if (!result.AttackDetected || result.DecidedBy is not { } by) return AttackNames.None;
        return string.Create(CultureInfo.InvariantCulture, $"{AttackNames.Of(result.Attack)}; detector={by.Detector}; score={by.Score:0.00}");
    }
}
