using Tokengate.Elevation;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Elevation;

/// <summary>Elevations on both engines: state changes are conditional, so only one approve / revoke / expire wins.</summary>
public sealed class StoredElevationStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private TestDatabases _databases = null!;

    public async Task InitializeAsync() => _databases = await TestDatabases.CreateAsync();

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Lifecycle_ConditionalTransitions(DatabaseProvider provider)
    {
        var database = await OpenAsync(provider);
        var store = new StoredElevationStore(database);
        await store.AddAsync(new ElevationRecord("e1", "dev", "admin", "incident", TimeSpan.FromHours(1), ElevationState.Pending, T0), default);
        await store.AddAsync(new ElevationRecord("e2", "ops", "operator", "keys", TimeSpan.FromMinutes(30), ElevationState.Pending, T0.AddMinutes(1)), default);

        Assert.True(await store.ApproveAsync("e1", "boss", T0.AddMinutes(2), T0.AddMinutes(62), default));
        Assert.False(await store.ApproveAsync("e1", "boss", T0.AddMinutes(3), T0.AddMinutes(63), default));
        var e1 = await store.GetAsync("e1", default);
        Assert.Equal((ElevationState.Active, "boss", T0.AddMinutes(62), TimeSpan.FromHours(1)), (e1!.StoredState, e1.ApprovedBy, e1.ExpiresAt!.Value, e1.Duration));
        Assert.Equal(["e1"], (await store.ActiveAsync("dev", default)).Select(r => r.Id));

        Assert.False(await store.ExpireAsync("e1", T0.AddMinutes(61), default));
        Assert.True(await store.ExpireAsync("e1", T0.AddMinutes(62), default));
        Assert.False(await store.RevokeAsync("e1", "boss", T0.AddMinutes(63), default));
        Assert.True(await store.RevokeAsync("e2", "ops", T0.AddMinutes(5), default));

        Assert.Equal(["e2", "e1"], (await store.ListAsync(null, 10, default)).Select(r => r.Id));
        Assert.Equal(ElevationState.Revoked, (await store.ListAsync("ops", 10, default)).Single().StoredState);
        Assert.Empty(await store.ActiveAsync(null, default));
    }

    private Task<IDatabase> OpenAsync(DatabaseProvider provider) => _databases.OpenAsync(provider, new ElevationMigrations());
}
