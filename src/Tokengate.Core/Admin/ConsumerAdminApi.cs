using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Configuration;
using Tokengate.Elevation;
using Tokengate.Identity;

namespace Tokengate.Admin;

/// <summary>
/// Consumers and gateway keys on the admin API. Readers list; operators create, rotate, revoke and disable. Every
/// change names its caller with the roles it holds now (<see cref="ElevationService.EffectiveRolesAsync"/>), and
/// <see cref="ConsumerAdministration"/> refuses it unless <see cref="ConsumerTargetPolicy"/> lets that caller act on
/// the consumer: an operator changes only consumers that hold nothing but <c>consumer</c>, an admin any. A key is
/// returned in full only by the call that creates it.
/// </summary>
internal static class ConsumerAdminApi
{
    public static RouteGroupBuilder MapConsumerAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/consumers", ListConsumersAsync);
        admin.MapPost("/consumers", CreateConsumerAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapDelete("/consumers/{name}", DisableConsumerAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapPost("/consumers/{name}/keys", CreateKeyAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys/{id}/rotate", RotateKeyAsync).RequireAuthorization(AdminPolicies.Operator);
        admin.MapPost("/keys/{id}/revoke", RevokeKeyAsync).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    private static async Task<IResult> ListConsumersAsync(ConsumerStore store, ConsumerDirectory directory, CancellationToken ct)
    {
        var stored = (await store.ListConsumersAsync(ct).ConfigureAwait(false)).Select(c => ConsumerView(c, "database"));
        var configured = directory.ConfiguredConsumerList().Select(c => new
        {
            name = c.Name,
            group = c.Group,
            roles = c.Roles.Order(StringComparer.Ordinal).ToArray(),
            created = (DateTimeOffset?)null,
            disabled = (DateTimeOffset?)null,
            source = "configuration",
        });
        return Results.Json(new { data = configured.Concat(stored).ToArray() });
    }

    private static async Task<IResult> CreateConsumerAsync(HttpContext context, ConsumerAdministration administration, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<CreateConsumerRequest>(context.Request, required: true, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var result = await administration.CreateConsumerAsync(await CallerAsync(context, ct).ConfigureAwait(false), body!.Name, body.Group, body.Roles, ct).ConfigureAwait(false);
        return result.Value is { } consumer ? Results.Json(ConsumerView(consumer, "database"), statusCode: StatusCodes.Status201Created) : new GatewayErrorResult(result.Error!);
    }

    private static async Task<IResult> DisableConsumerAsync(HttpContext context, string name, ConsumerAdministration administration, CancellationToken ct)
    {
        var result = await administration.DisableConsumerAsync(await CallerAsync(context, ct).ConfigureAwait(false), name, ct).ConfigureAwait(false);
        return result.Value is { } consumer ? Results.Json(ConsumerView(consumer, "database")) : new GatewayErrorResult(result.Error!);
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, string name, ConsumerAdministration administration, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<CreateKeyRequest>(context.Request, required: false, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var result = await administration.CreateKeyAsync(await CallerAsync(context, ct).ConfigureAwait(false), name, body?.Expires, ct).ConfigureAwait(false);
        return Issued(context, result, null);
    }

    private static async Task<IResult> ListKeysAsync(string? consumer, ConsumerStore store, TimeProvider time, CancellationToken ct)
    {
        if (consumer is not null && await store.FindConsumerAsync(consumer, ct).ConfigureAwait(false) is null)
            return new GatewayErrorResult(AdminErrors.NotFound($"Consumer '{consumer}' does not exist."));
        var now = time.GetUtcNow();
        var keys = await store.ListKeysAsync(consumer, ct).ConfigureAwait(false);
        return Results.Json(new { data = keys.Select(k => KeyView(k, now)).ToArray() });
    }

    private static async Task<IResult> RotateKeyAsync(HttpContext context, string id, ConsumerAdministration administration, CancellationToken ct)
    {
        var (body, error) = await AdminJsonBody.ReadAsync<CreateKeyRequest>(context.Request, required: false, ct).ConfigureAwait(false);
        if (error is not null) return new GatewayErrorResult(error);
        var result = await administration.RotateKeyAsync(await CallerAsync(context, ct).ConfigureAwait(false), id, body?.Expires, body?.Grace, ct).ConfigureAwait(false);
        return Issued(context, result, id);
    }

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string id, ConsumerAdministration administration, TimeProvider time, CancellationToken ct)
    {
        var result = await administration.RevokeKeyAsync(await CallerAsync(context, ct).ConfigureAwait(false), id, ct).ConfigureAwait(false);
        return result.Value is { } key ? Results.Json(KeyView(key, time.GetUtcNow())) : new GatewayErrorResult(result.Error!);
    }

    private static IResult Issued(HttpContext context, AdminResult<IssuedKey> result, string? replaces)
    {
        if (result.Value is not { } issued) return new GatewayErrorResult(result.Error!);
        // The only answer that holds a key in full: no cache, shared or the browser's own, may keep it.
        context.Response.Headers.CacheControl = "no-store";
        var k = issued.Record;
        return Results.Json(new
        {
            id = k.Id,
            consumer = k.Consumer,
            prefix = k.Prefix,
            created = k.CreatedAt,
            expires = k.ExpiresAt,
            key = issued.Key,
            replaces,
        }, statusCode: StatusCodes.Status201Created);
    }

    private static object ConsumerView(ConsumerRecord c, string source) => new
    {
        name = c.Name,
        group = c.Group,
        roles = c.Roles,
        created = (DateTimeOffset?)c.CreatedAt,
        disabled = c.DisabledAt,
        source,
    };

    private static object KeyView(KeyRecord k, DateTimeOffset now) => new
    {
        id = k.Id,
        consumer = k.Consumer,
        prefix = k.Prefix,
        created = k.CreatedAt,
        expires = k.ExpiresAt,
        revoked = k.RevokedAt,
        status = k.Status(now),
    };

    // Asked after the body is read, right before the change is decided, so an elevation that ended meanwhile no longer counts.
    internal static async Task<AdminCaller> CallerAsync(HttpContext context, CancellationToken ct)
    {
        var services = context.RequestServices;
        var actor = new AuditActor(context.User.Identity?.Name ?? "(unknown)", CallerAddress.Of(context, services.GetRequiredService<GatewayConfiguration>().Current)?.ToString());
        var roles = await services.GetRequiredService<ElevationService>().EffectiveRolesAsync(context.User, ct).ConfigureAwait(false);
        return new AdminCaller(actor, roles);
    }
}
