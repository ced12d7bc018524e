using System.Text;
using Tokengate.Encryption;
using Tokengate.Storage;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary>
/// Envelope encryption on a gateway database (SQLite) with local key-encryption keys: keys per object, rotation to a
/// second key file and removal of the first, rotation under concurrent use, crypto-shredding of backed-up copies.
/// </summary>
public sealed class EnvelopeEncryptionTests : IAsyncLifetime
{
    private EncryptionFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await EncryptionFixture.CreateAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private static byte[] Content(int i) => Encoding.UTF8.GetBytes($"object {i}: " + new string((char)('a' + i % 26), 70_000 + i));

    [Fact]
    public async Task Rotate_ToSecondKeyFile_EveryObjectDecrypts_AlsoOnceTheFirstKeyIsRemoved()
    {
        var first = _fixture.Open("kek-1", ["kek-1"]);
        var ciphertexts = new Dictionary<string, byte[]>();
        for (var i = 0; i < 25; i++)
        {
            await first.CreateKeyAsync($"file-{i:D3}", default);
            ciphertexts[$"file-{i:D3}"] = await EncryptionFixture.EncryptAsync(first, $"file-{i:D3}", Content(i));
        }
        await first.ShredAsync("file-007", default);

        // Restart with a second key file, now current; the first stays until the rotation is done.
        var both = _fixture.Open("kek-2", ["kek-1", "kek-2"], batchSize: 4);
        Assert.Equal(24, await both.RotateAsync(default));
        Assert.Equal(new Dictionary<string, long> { ["kek-2"] = 24 }, await both.CountByKeyAsync(default));
        Assert.Equal(0, await both.RotateAsync(default));

        // Restart without the first key file at all.
        var second = _fixture.Open("kek-2", ["kek-2"]);
        foreach (var (id, ciphertext) in ciphertexts.Where(c => c.Key != "file-007"))
            Assert.Equal(Content(int.Parse(id[5..], System.Globalization.CultureInfo.InvariantCulture)), await EncryptionFixture.DecryptAsync(second, id, ciphertext));
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => EncryptionFixture.DecryptAsync(second, "file-007", ciphertexts["file-007"]));
    }

    [Fact]
    public async Task Decrypt_KeyOfARemovedKekNotYetRotated_SaysWhichKeyIsMissing()
    {
        var first = _fixture.Open("kek-1", ["kek-1"]);
        await first.CreateKeyAsync("file-a", default);
        var ciphertext = await EncryptionFixture.EncryptAsync(first, "file-a", Content(1));

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => EncryptionFixture.DecryptAsync(_fixture.Open("kek-2", ["kek-2"]), "file-a", ciphertext));
        Assert.Contains("'kek-1' is not configured", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_WhileObjectsAreReadAndCreated_NoKeyIsEverUnreadable()
    {
        var before = _fixture.Open("kek-1", ["kek-1"], cacheSize: 0);
        var ciphertexts = new Dictionary<string, byte[]>();
        for (var i = 0; i < 40; i++)
        {
            await before.CreateKeyAsync($"obj-{i:D2}", default);
            ciphertexts[$"obj-{i:D2}"] = await EncryptionFixture.EncryptAsync(before, $"obj-{i:D2}", Content(i));
        }

        // No cache: every read goes to the table while the rotation rewrites it.
        var during = _fixture.Open("kek-2", ["kek-1", "kek-2"], cacheSize: 0, batchSize: 3);
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (id, ciphertext) in ciphertexts) Assert.NotEmpty(await EncryptionFixture.DecryptAsync(during, id, ciphertext));
                Interlocked.Increment(ref reads);
            }
        });
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await during.CreateKeyAsync($"new-{i}", default);
                Assert.Equal(Content(i), await EncryptionFixture.DecryptAsync(during, $"new-{i}", await EncryptionFixture.EncryptAsync(during, $"new-{i}", Content(i))));
            }
        });

        var rewrapped = await during.RotateAsync(default);
        // Let the readers see the table after the rotation too, then stop them.
        var seen = Volatile.Read(ref reads);
        while (Volatile.Read(ref reads) < seen + 2 && !reader.IsCompleted) await Task.Yield();
        await stop.CancelAsync();
        await Task.WhenAll(reader, writer);

        Assert.Equal(40, rewrapped);
        var counts = await during.CountByKeyAsync(default);
        Assert.Equal(["kek-2"], counts.Keys);
        var after = _fixture.Open("kek-2", ["kek-2"], cacheSize: 0);
        foreach (var (id, ciphertext) in ciphertexts) Assert.NotEmpty(await EncryptionFixture.DecryptAsync(after, id, ciphertext));
    }

    [Fact]
    public async Task Shred_BackupCopyOfTheCiphertext_FailsKeyDestroyed()
    {
        var encryption = _fixture.Open("kek-1", ["kek-1"]);
        await encryption.CreateKeyAsync("file-secret", default);
        var backup = await EncryptionFixture.EncryptAsync(encryption, "file-secret", Content(3));
        Assert.Equal(Content(3), await EncryptionFixture.DecryptAsync(encryption, "file-secret", backup));  // its key is now cached

        await encryption.ShredAsync("file-secret", default);

        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => EncryptionFixture.DecryptAsync(encryption, "file-secret", backup));
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => EncryptionFixture.DecryptAsync(_fixture.Open("kek-1", ["kek-1"]), "file-secret", backup));
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => encryption.EncryptAsync("file-secret", Stream.Null, 1, default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => encryption.CreateKeyAsync("file-secret", default));
        await encryption.ShredAsync("file-secret", default);  // again: nothing changes
    }

    [Fact]
    public async Task Shred_NoWrappedKeyLeftInTheTable()
    {
        var encryption = _fixture.Open("kek-1", ["kek-1"]);
        await encryption.CreateKeyAsync("file-a", default);
        var table = new DataKeyTable(_fixture.Database);
        var stored = await table.FindAsync("file-a", default);
        Assert.Equal(("kek-1", 60), (stored!.KekId, stored.WrappedKey!.Length));

        await encryption.ShredAsync("file-a", default);

        var shredded = await table.FindAsync("file-a", default);
        Assert.Equal((null, null), (shredded!.WrappedKey, shredded.KekId));
        Assert.NotNull(shredded.DestroyedAt);
    }

    [Fact]
    public async Task CreateKey_Twice_Refused_AndUnknownObject_NotFound()
    {
        var encryption = _fixture.Open("kek-1", ["kek-1"]);
        await encryption.CreateKeyAsync("file-a", default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => encryption.CreateKeyAsync("file-a", default));
        await Assert.ThrowsAsync<DataKeyNotFoundException>(() => encryption.DecryptAsync("file-b", new MemoryStream(), default));
    }

    [Fact]
    public async Task Decrypt_PartsOfAnUploadEncryptedApart_OneObject()
    {
        var encryption = _fixture.Open("kek-1", ["kek-1"]);
        await encryption.CreateKeyAsync("upload-1", default);
        var parts = new[] { Content(1), Content(2), Content(3) };
        var joined = new List<byte>();
        for (var i = 0; i < parts.Length; i++) joined.AddRange(await EncryptionFixture.EncryptAsync(encryption, "upload-1", parts[i], part: i + 1));

        Assert.Equal(parts.SelectMany(p => p).ToArray(), await EncryptionFixture.DecryptAsync(encryption, "upload-1", [.. joined]));
    }
}
