using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Identity;

/// <summary>Consumers and keys on both engines: uniqueness, at most two active keys, revocation, expiry, disabling.</summary>
public sealed class ConsumerStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private TestDatabases _databases = null!;

    public async Task InitializeAsync() => _databases = await TestDatabases.CreateAsync();

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task TryCreateConsumerAsync_SameNameTwice_SecondRefused(DatabaseProvider provider)
    {
        var store = await OpenAsync(provider);
        Assert.True(await store.TryCreateConsumerAsync(new ConsumerRecord("app", "team", ["consumer", "reader"], T0), default));
        Assert.False(await store.TryCreateConsumerAsync(new ConsumerRecord("app", null, ["consumer"], T0), default));

        var app = Assert.Single(await store.ListConsumersAsync(default));
        Assert.Equal("team", app.Group);
        Assert.Equal(["consumer", "reader"], app.Roles);
        Assert.Equal(T0, app.CreatedAt);
        Assert.Null(app.DisabledAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task TryCreateKeyAsync_ThirdActiveKey_Refused_UntilOneIsRevokedOrExpired(DatabaseProvider provider)
    {
        var store = await OpenAsync(provider);
        await store.TryCreateConsumerAsync(new ConsumerRecord("app", null, ["consumer"], T0), default);

        Assert.Equal(KeyCreationOutcome.Created, await store.TryCreateKeyAsync(Key("key_1", expires: T0.AddHours(1)), Hash('1'), default));
        Assert.Equal(KeyCreationOutcome.Created, await store.TryCreateKeyAsync(Key("key_2"), Hash('2'), default));
        Assert.Equal(KeyCreationOutcome.TooManyActiveKeys, await store.TryCreateKeyAsync(Key("key_3"), Hash('3'), default));
        Assert.Equal(KeyCreationOutcome.UnknownConsumer, await store.TryCreateKeyAsync(Key("key_x", consumer: "nobody"), Hash('x'), default));

        _time.Advance(TimeSpan.FromHours(1)); // key_1 expires
        Assert.Equal(KeyCreationOutcome.Created, await store.TryCreateKeyAsync(Key("key_3"), Hash('3'), default));
        Assert.True(await store.RevokeKeyAsync("key_2", default));
        Assert.False(await store.RevokeKeyAsync("key_2", default));
        Assert.Equal(KeyCreationOutcome.Created, await store.TryCreateKeyAsync(Key("key_4"), Hash('4'), default));

        var keys = await store.ListKeysAsync("app", default);
        Assert.Equal(["expired", "revoked", "active", "active"], keys.Select(k => k.Status(_time.GetUtcNow())));
        Assert.Equal(T0.AddHours(1), keys[0].ExpiresAt);
        Assert.Equal(_time.GetUtcNow(), keys[1].RevokedAt);
        Assert.Equal("key_3", (await store.FindKeyByHashAsync(Hash('3'), default))?.Id);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task LoadActiveKeysAsync_OnlyWorkingKeysOfEnabledConsumers(DatabaseProvider provider)
    {
        var store = await OpenAsync(provider);
        await store.TryCreateConsumerAsync(new ConsumerRecord("app", "team", ["consumer"], T0), default);
        await store.TryCreateConsumerAsync(new ConsumerRecord("gone", null, ["consumer"], T0), default);
        await store.TryCreateKeyAsync(Key("key_live", expires: T0.AddDays(1)), Hash('a'), default);
        await store.TryCreateKeyAsync(Key("key_revoked"), Hash('b'), default);
        await store.RevokeKeyAsync("key_revoked", default);
        await store.TryCreateKeyAsync(Key("key_gone", consumer: "gone"), Hash('c'), default);
        Assert.NotNull((await store.DisableConsumerAsync("gone", default))?.DisabledAt);

        var live = Assert.Single(await store.LoadActiveKeysAsync(default));
        Assert.Equal((Hash('a'), "app", "team", T0.AddDays(1)), (live.HashHex, live.ConsumerName, live.Group, live.ExpiresAt));

        Assert.True(await store.ShortenExpiryAsync("key_live", T0.AddMinutes(5), default));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await store.LoadActiveKeysAsync(default));
    }

    private KeyRecord Key(string id, string consumer = "app", DateTimeOffset? expires = null) =>
        new(id, consumer, "tg_abcde", _time.GetUtcNow(), expires, null);

    private static string Hash(char c) => new(char.ToUpperInvariant(c), 64);

    private async Task<ConsumerStore> OpenAsync(DatabaseProvider provider) =>
        new(await _databases.OpenAsync(provider, new IdentityMigrations()), _time);
}
