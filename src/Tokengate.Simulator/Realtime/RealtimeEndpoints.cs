using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Simulator.Deployments;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The realtime routes. They need the WebSocket middleware (<c>app.UseWebSockets()</c>) ahead of the endpoints:
/// without it every connect is answered 400 as a plain GET.
/// </summary>
internal static class RealtimeEndpoints
{
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<RealtimeSessionLog>();
        services.AddSingleton<RealtimeConnectHandler>();
        return services;
    }

    /// <summary><c>GET {openai}/realtime</c> (beta protocol, dated api-version) and <c>GET {openai}/v1/realtime</c> (GA protocol).</summary>
    public static void MapRealtime(this IEndpointRouteBuilder openai, IServiceProvider services)
    {
        var handler = services.GetRequiredService<RealtimeConnectHandler>();
        openai.MapGet("/realtime", c => handler.ConnectAsync(c, RealtimeDialect.Beta));
        openai.MapGet("/v1/realtime", c => handler.ConnectAsync(c, RealtimeDialect.GA));
    }

    /// <summary><c>GET /_simulator/realtime/sessions[/{id}]</c>: each session's billed totals (see <see cref="RealtimeSessionStats"/>).</summary>
    public static void MapRealtimeControl(this IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        var log = services.GetRequiredService<RealtimeSessionLog>();
        var group = endpoints.MapGroup("/_simulator/realtime/sessions");
        group.MapGet("", c => c.Response.WriteAsJsonAsync(log.All(), SimulatorJson.Options, c.RequestAborted));
        group.MapGet("/{id}", c =>
        {
            if (log.Get(c.Request.RouteValues["id"] as string ?? string.Empty) is not { } stats)
            {
                c.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return c.Response.WriteAsJsonAsync(stats, SimulatorJson.Options, c.RequestAborted);
        });
    }
}
