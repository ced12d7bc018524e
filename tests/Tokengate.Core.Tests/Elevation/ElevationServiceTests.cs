using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Audit;
using Tokengate.Identity;

namespace Tokengate.Elevation;

/// <summary>
/// The effective roles that admin changes are decided on: the credential's roles plus elevations active at the
/// moment of the decision, not at the moment the request was authenticated.
/// </summary>
public sealed class ElevationServiceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly MemoryElevationStore _store = new();
    private readonly ElevationService _service;

    public ElevationServiceTests() =>
        _service = new ElevationService(_store, new NullAuditLog(), new ElevationOptions(), _time);

    [Fact]
    public async Task EffectiveRoles_NoElevation_CredentialRoles()
    {
        var roles = await _service.EffectiveRolesAsync(Principal("ops", Roles.Operator, Roles.Consumer), default);
        Assert.Equal([Roles.Consumer, Roles.Operator], roles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EffectiveRoles_ElevationActive_Included()
    {
        await ElevateAsync("ops", Roles.Admin, TimeSpan.FromHours(1));
        var principal = await AuthenticatedAsync("ops", Roles.Operator);
        Assert.Contains(Roles.Admin, await _service.EffectiveRolesAsync(principal, default));
    }

    [Fact]
    public async Task EffectiveRoles_ElevationExpiredAfterAuthentication_NotIncluded()
    {
        await ElevateAsync("ops", Roles.Admin, TimeSpan.FromHours(1));
        var principal = await AuthenticatedAsync("ops", Roles.Operator);
        Assert.True(principal.IsInRole(Roles.Admin));

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal([Roles.Operator], await _service.EffectiveRolesAsync(principal, default));
    }

    [Fact]
    public async Task EffectiveRoles_ElevationRepeatsCredentialRole_RoleKeptAfterExpiry()
    {
        await ElevateAsync("boss", Roles.Admin, TimeSpan.FromMinutes(5));
        var principal = await AuthenticatedAsync("boss", Roles.Admin);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([Roles.Admin], await _service.EffectiveRolesAsync(principal, default));
    }

    [Fact]
    public async Task EffectiveRoles_ElevationApprovedAfterAuthentication_Included()
    {
        var principal = await AuthenticatedAsync("late", Roles.Consumer);
        await ElevateAsync("late", Roles.Operator, TimeSpan.FromMinutes(5));
        Assert.Equal([Roles.Consumer, Roles.Operator], (await _service.EffectiveRolesAsync(principal, default)).Order(StringComparer.Ordinal));
    }

    private async Task ElevateAsync(string principal, string role, TimeSpan duration)
    {
        var now = _time.GetUtcNow();
        var record = new ElevationRecord(Guid.NewGuid().ToString("N"), principal, role, "test", duration, ElevationState.Pending, now);
        await _store.AddAsync(record, default);
        Assert.True(await _store.ApproveAsync(record.Id, "approver", now, now + duration, default));
    }

    // As the admin API sees a caller: its credential's roles, then the claims transformation's additions.
    private async Task<ClaimsPrincipal> AuthenticatedAsync(string name, params string[] roles) =>
        await new ElevationClaimsTransformation(_service).TransformAsync(Principal(name, roles));

    private static ClaimsPrincipal Principal(string name, params string[] roles) =>
        Admin.ConsumerPrincipal.Create(new Consumer(name, null, roles.ToHashSet(StringComparer.OrdinalIgnoreCase)), "test");

    private sealed class NullAuditLog : IAuditLog
    {
        public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }

    private sealed class MemoryElevationStore : IElevationStore
    {
        private readonly List<ElevationRecord> _records = [];

        public Task AddAsync(ElevationRecord record, CancellationToken cancellationToken)
        {
            _records.Add(record);
            return Task.CompletedTask;
        }

        public Task<ElevationRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_records.FirstOrDefault(r => r.Id == id));

        public Task<IReadOnlyList<ElevationRecord>> ListAsync(string? principal, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ElevationRecord>>(_records.Where(r => principal is null || r.Principal == principal).Take(limit).ToList());

        public Task<IReadOnlyList<ElevationRecord>> ActiveAsync(string? principal, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ElevationRecord>>(_records.Where(r => r.StoredState == ElevationState.Active && (principal is null || r.Principal == principal)).ToList());

        public Task<bool> ApproveAsync(string id, string approvedBy, DateTimeOffset approvedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            Task.FromResult(Replace(id, r => r.StoredState == ElevationState.Pending, r => r with { StoredState = ElevationState.Active, ApprovedBy = approvedBy, ApprovedAt = approvedAt, ExpiresAt = expiresAt }));

        public Task<bool> RevokeAsync(string id, string revokedBy, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(Replace(id, r => r.StateAt(now) is ElevationState.Pending or ElevationState.Active, r => r with { StoredState = ElevationState.Revoked, RevokedBy = revokedBy, RevokedAt = now }));

        public Task<bool> ExpireAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(Replace(id, r => r.StoredState == ElevationState.Active && r.ExpiresAt <= now, r => r with { StoredState = ElevationState.Expired }));

        private bool Replace(string id, Func<ElevationRecord, bool> when, Func<ElevationRecord, ElevationRecord> change)
        {
            var index = _records.FindIndex(r => r.Id == id);
            if (index < 0 || !when(_records[index])) return false;
            _records[index] = change(_records[index]);
            return true;
        }
    }
}
