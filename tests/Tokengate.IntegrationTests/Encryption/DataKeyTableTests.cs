using Tokengate.Encryption;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>The data key table on both engines (PostgreSQL from <c>./test.sh</c>): keys, rotation and shredding.</summary>
public sealed class DataKeyTableTests : IAsyncLifetime
{
    private TestDatabases _databases = null!;

    public async Task InitializeAsync() => _databases = await TestDatabases.CreateAsync();

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task RotateAndShred_OnEitherEngine_EveryObjectStaysReadableButTheShredded(DatabaseProvider provider)
    {
        await using var fixture = await EncryptionFixture.CreateAsync(await _databases.OpenAsync(provider, new EncryptionMigrations()));
        var first = fixture.Open("kek-1", ["kek-1"]);
        var ciphertexts = new Dictionary<string, byte[]>();
        for (var i = 0; i < 10; i++)
        {
            await first.CreateKeyAsync($"obj-{i}", default);
            ciphertexts[$"obj-{i}"] = await EncryptionFixture.EncryptAsync(first, $"obj-{i}", [(byte)i, 1, 2]);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.CreateKeyAsync("obj-0", default));
        await first.ShredAsync("obj-3", default);
        await first.ShredAsync("never-made", default);

        var both = fixture.Open("kek-2", ["kek-1", "kek-2"], batchSize: 3);
        Assert.Equal(9, await both.RotateAsync(default));
        Assert.Equal(new Dictionary<string, long> { ["kek-2"] = 9 }, await both.CountByKeyAsync(default));

        var second = fixture.Open("kek-2", ["kek-2"]);
        foreach (var (id, ciphertext) in ciphertexts.Where(c => c.Key != "obj-3"))
            Assert.Equal([(byte)int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture), 1, 2], await EncryptionFixture.DecryptAsync(second, id, ciphertext));
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => EncryptionFixture.DecryptAsync(second, "obj-3", ciphertexts["obj-3"]));
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => second.EncryptAsync("never-made", Stream.Null, 1, default));
    }
}
