using System.Globalization;
using System.Security.Claims;
using Tokengate.Audit;
using Tokengate.Identity;

namespace Tokengate.Elevation;

/// <summary>
/// The rules of just-in-time elevation: who may request, approve and revoke, within which limits; every step,
/// refusals included, goes to the audit log. Expiry needs no job: a role counts only inside its window, and the
/// first look after the window marks it expired and audits that.
/// </summary>
internal sealed class ElevationService(IElevationStore store, IAuditLog audit, ElevationOptions options, TimeProvider time)
{
    public const int MaxReasonLength = 500;

    /// <summary>The roles that can be held through an elevation.</summary>
    public static IReadOnlyList<string> ElevatableRoles { get; } = [Roles.Operator, Roles.Admin];

    public async Task<ElevationResult> RequestAsync(ClaimsPrincipal principal, ElevationRequest body, string? client, CancellationToken ct)
    {
        var name = principal.Identity!.Name!;
        var role = ElevatableRoles.FirstOrDefault(r => string.Equals(r, body.Role?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (role is null)
            return ElevationResult.Fail(400, "invalid_role", $"'role' must be one of {string.Join(", ", ElevatableRoles)} (was '{body.Role}').");
        if (string.IsNullOrWhiteSpace(body.Reason))
            return ElevationResult.Fail(400, "missing_reason", "'reason' is required: say why the role is needed.");
        if (body.Reason.Length > MaxReasonLength)
            return ElevationResult.Fail(400, "invalid_reason", $"'reason' is longer than {MaxReasonLength} characters.");

        var duration = options.DefaultDuration;
        if (body.Duration is not null && !TimeSpan.TryParse(body.Duration, CultureInfo.InvariantCulture, out duration))
            return ElevationResult.Fail(400, "invalid_duration", $"'duration' must be a time span such as '01:00:00' (was '{body.Duration}').");
        if (duration <= TimeSpan.Zero || duration > options.MaxDuration)
            return ElevationResult.Fail(400, "invalid_duration", $"'duration' must be positive and at most {options.MaxDuration} (was {duration}).");

        var now = time.GetUtcNow();
        var record = new ElevationRecord(Guid.CreateVersion7(now).ToString("N"), name, role, body.Reason.Trim(), duration, ElevationState.Pending, now);
        await store.AddAsync(record, ct).ConfigureAwait(false);
        await AuditAsync(now, name, "elevation.requested", record, client, "success", $"{role} for {duration}: {record.Reason}", ct).ConfigureAwait(false);
        return ElevationResult.Ok(record);
    }

    public async Task<ElevationResult> ApproveAsync(ClaimsPrincipal principal, string id, string? client, CancellationToken ct)
    {
        var name = principal.Identity!.Name!;
        var record = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (record is null) return NotFound(id);
        var now = time.GetUtcNow();

        var self = string.Equals(record.Principal, name, StringComparison.OrdinalIgnoreCase);
        string? refusal = self
            ? options.SelfApproveRoles.Contains(record.Role, StringComparer.OrdinalIgnoreCase) ? null : $"A request for '{record.Role}' must be approved by another admin."
            : await MayGrantAsync(principal, record.Role, ct).ConfigureAwait(false) ? null : "Only an admin may approve elevations.";
        if (refusal is not null)
        {
            await AuditAsync(now, name, "elevation.approved", record, client, "denied", refusal, ct).ConfigureAwait(false);
            return ElevationResult.Fail(403, "PermissionDenied", refusal);
        }

        var expires = now + record.Duration;
        if (!await store.ApproveAsync(id, name, now, expires, ct).ConfigureAwait(false))
            return Conflict(record, now, "approved");
        await AuditAsync(now, name, "elevation.approved", record, client, "success", $"{record.Role} for {record.Principal} until {expires:O}", ct).ConfigureAwait(false);
        return ElevationResult.Ok(record with { StoredState = ElevationState.Active, ApprovedBy = name, ApprovedAt = now, ExpiresAt = expires });
    }

    public async Task<ElevationResult> RevokeAsync(ClaimsPrincipal principal, string id, string? client, CancellationToken ct)
    {
        var name = principal.Identity!.Name!;
        var record = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (record is null) return NotFound(id);
        var now = time.GetUtcNow();
        if (!string.Equals(record.Principal, name, StringComparison.OrdinalIgnoreCase) && !await MayGrantAsync(principal, record.Role, ct).ConfigureAwait(false))
        {
            const string refusal = "Only an admin or the requester may revoke an elevation.";
            await AuditAsync(now, name, "elevation.revoked", record, client, "denied", refusal, ct).ConfigureAwait(false);
            return ElevationResult.Fail(403, "PermissionDenied", refusal);
        }
        if (!await store.RevokeAsync(id, name, now, ct).ConfigureAwait(false))
            return Conflict(record, now, "revoked");
        await AuditAsync(now, name, "elevation.revoked", record, client, "success", null, ct).ConfigureAwait(false);
        return ElevationResult.Ok(record with { StoredState = ElevationState.Revoked, RevokedBy = name, RevokedAt = now });
    }

    /// <summary>Admins see every elevation, everyone else their own; windows that have passed are marked expired first.</summary>
    public async Task<IReadOnlyList<ElevationRecord>> ListAsync(ClaimsPrincipal principal, int limit, CancellationToken ct)
    {
        var mine = HoldsAdmin(principal) ? null : principal.Identity!.Name!;
        await ActiveRolesAsync(mine, ct).ConfigureAwait(false);
        return await store.ListAsync(mine, Math.Clamp(limit, 1, 1000), ct).ConfigureAwait(false);
    }

    /// <summary>The roles <paramref name="principal"/> (or, when null, anyone) holds through elevations right now.</summary>
    public async Task<IReadOnlyList<string>> ActiveRolesAsync(string? principal, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var roles = new List<string>();
        foreach (var record in await store.ActiveAsync(principal, ct).ConfigureAwait(false))
        {
            if (record.StateAt(now) == ElevationState.Active) roles.Add(record.Role);
            else if (await store.ExpireAsync(record.Id, now, ct).ConfigureAwait(false))
                await AuditAsync(now, "tokengate", "elevation.expired", record, null, "success", $"{record.Role} for {record.Principal}", ct).ConfigureAwait(false);
        }
        return roles;
    }

    /// <summary>
    /// The roles <paramref name="principal"/> holds at this moment: those of its credential plus the elevations active
    /// now. Its role claims were settled when the request was authenticated, and an elevation can expire or be revoked
    /// while the request (its body, say) is still arriving; a decision that hands out a credential or a role asks again.
    /// </summary>
    public async Task<IReadOnlySet<string>> EffectiveRolesAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        // Take back what the claims transformation added (one role claim per elevated-role claim), keeping a base
        // role that an elevation merely repeats.
        foreach (var elevated in principal.FindAll(ElevationClaimsTransformation.ElevatedClaim)) roles.Remove(elevated.Value);
        var effective = new HashSet<string>(roles, StringComparer.OrdinalIgnoreCase);
        if (principal.Identity?.Name is { } name) effective.UnionWith(await ActiveRolesAsync(name, ct).ConfigureAwait(false));
        return effective;
    }

    // Approving or ending someone else's elevation acts on that principal: the same least-privilege rule as every
    // other change to a consumer, on the caller's roles as they are now.
    private async Task<bool> MayGrantAsync(ClaimsPrincipal principal, string role, CancellationToken ct) =>
        ConsumerTargetPolicy.CanGrant(await EffectiveRolesAsync(principal, ct).ConfigureAwait(false), role);

    private static bool HoldsAdmin(ClaimsPrincipal principal) => principal.IsInRole(Roles.Admin);

    private static ElevationResult NotFound(string id) => ElevationResult.Fail(404, "NotFound", $"There is no elevation '{id}'.");

    private static ElevationResult Conflict(ElevationRecord record, DateTimeOffset now, string verb) =>
        ElevationResult.Fail(409, "Conflict", $"The elevation '{record.Id}' cannot be {verb}: it is {record.StateAt(now).ToString().ToLowerInvariant()}.");

    private ValueTask AuditAsync(DateTimeOffset at, string actor, string action, ElevationRecord record, string? client, string outcome, string? detail, CancellationToken ct) =>
        audit.AppendAsync(new AuditRecord(at, actor, action, $"elevation:{record.Id} ({record.Role} for {record.Principal})", client, outcome, detail), ct);
}
