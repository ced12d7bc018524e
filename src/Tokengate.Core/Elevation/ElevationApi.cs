using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tokengate.Admin;
using Tokengate.Storage;

namespace Tokengate.Elevation;

/// <summary>Registers just-in-time elevation and maps <c>/admin/elevations</c>.</summary>
internal static class ElevationApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IServiceCollection AddElevation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<ElevationOptions>, ElevationOptionsValidator>();
        services.AddOptions<ElevationOptions>().Configure(o => configuration.GetSection(ElevationOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IMigrationSource, ElevationMigrations>();
        services.AddSingleton<IElevationStore, StoredElevationStore>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ElevationService>(sp, sp.GetRequiredService<IOptions<ElevationOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IClaimsTransformation, ElevationClaimsTransformation>());
        return services;
    }

    /// <summary>
    /// <c>POST /admin/elevations</c> (any authenticated principal), <c>POST /admin/elevations/{id}/approve</c>,
    /// <c>POST /admin/elevations/{id}/revoke</c>, <c>GET /admin/elevations</c>; who may do what is decided by
    /// <see cref="ElevationService"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapElevations(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/elevations").RequireAuthorization(AdminPolicies.Authenticated);
        group.MapPost("", async (HttpContext context, ElevationService service, TimeProvider time) =>
        {
            ElevationRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<ElevationRequest>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                body = null;
            }
            if (body is null) return Error(new OpenAI.GatewayError(400, "invalid_request_error", "The body must be a JSON object with 'role', 'reason' and optionally 'duration'."));
            var result = await service.RequestAsync(context.User, body, Client(context), context.RequestAborted).ConfigureAwait(false);
            return result.Error is { } error ? Error(error) : Results.Json(View(result.Record!, time.GetUtcNow()), statusCode: StatusCodes.Status201Created);
        });
        group.MapPost("/{id}/approve", async (string id, HttpContext context, ElevationService service, TimeProvider time) =>
            Answer(await service.ApproveAsync(context.User, id, Client(context), context.RequestAborted).ConfigureAwait(false), time));
        group.MapPost("/{id}/revoke", async (string id, HttpContext context, ElevationService service, TimeProvider time) =>
            Answer(await service.RevokeAsync(context.User, id, Client(context), context.RequestAborted).ConfigureAwait(false), time));
        group.MapGet("", async (ClaimsPrincipal user, ElevationService service, TimeProvider time, int? limit, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var records = await service.ListAsync(user, limit ?? 100, ct).ConfigureAwait(false);
            return Results.Json(new { data = records.Select(r => View(r, now)) });
        });
        return endpoints;
    }

    private static IResult Answer(ElevationResult result, TimeProvider time) =>
        result.Error is { } error ? Error(error) : Results.Json(View(result.Record!, time.GetUtcNow()));

    private static IResult Error(OpenAI.GatewayError error) =>
        Results.Json(new { error = new { code = error.Code, message = error.Message } }, statusCode: error.Status);

    private static string? Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static object View(ElevationRecord r, DateTimeOffset now) => new
    {
        id = r.Id,
        principal = r.Principal,
        role = r.Role,
        reason = r.Reason,
        duration = r.Duration.ToString("c"),
        state = r.StateAt(now).ToString().ToLowerInvariant(),
        requestedAt = r.RequestedAt,
        approvedBy = r.ApprovedBy,
        approvedAt = r.ApprovedAt,
        expiresAt = r.ExpiresAt,
        revokedBy = r.RevokedBy,
        revokedAt = r.RevokedAt,
    };
}
