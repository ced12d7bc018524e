namespace Tokengate.Encryption;

/// <summary>Local key-encryption keys: wrapping is bound to the key and the object, and a missing key is named.</summary>
public sealed class KeyEncryptionKeysTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokengate-kek-");

    public void Dispose() => _folder.Delete(recursive: true);

    private KeyEncryptionKeys Keys(string current, params string[] ids)
    {
        var paths = ids.ToDictionary(id => id, id => Path.Combine(_folder.FullName, id + ".key"));
        foreach (var path in paths.Values.Where(p => !File.Exists(p))) LocalKeyFile.Create(path);
        return new KeyEncryptionKeys(new EncryptionKeySettings(paths, null, current, IsDefault: false), null);
    }

    [Fact]
    public async Task Unwrap_AfterWrap_GivesTheKeyBack()
    {
        var keys = Keys("kek-1", "kek-1");
        var dataKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var wrapped = await keys.WrapAsync("obj", dataKey, default);

        Assert.Equal(60, wrapped.Length);
        Assert.DoesNotContain(Convert.ToHexString(dataKey), Convert.ToHexString(wrapped), StringComparison.Ordinal);
        Assert.Equal(dataKey, await keys.UnwrapAsync("obj", "kek-1", wrapped, default));
    }

    [Fact]
    public async Task Unwrap_OtherObjectOrOtherKey_Throws()
    {
        var keys = Keys("kek-1", "kek-1", "kek-2");
        var wrapped = await keys.WrapAsync("obj", new byte[32], default);

        await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => keys.UnwrapAsync("other", "kek-1", wrapped, default));
        await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => keys.UnwrapAsync("obj", "kek-2", wrapped, default));
    }

    [Fact]
    public async Task Unwrap_KeyNoLongerConfigured_SaysWhichKey()
    {
        var wrapped = await Keys("kek-1", "kek-1").WrapAsync("obj", new byte[32], default);
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(() => Keys("kek-2", "kek-2").UnwrapAsync("obj", "kek-1", wrapped, default));

        Assert.Contains("'kek-1' is not configured", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalKeyFile_Create_OwnerOnlyAndNeverReplaced()
    {
        var path = Path.Combine(_folder.FullName, "keys", "kek.key");
        LocalKeyFile.Create(path);

        Assert.Equal(32, LocalKeyFile.Read(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
        Assert.Throws<InvalidOperationException>(() => LocalKeyFile.Create(path));
    }

    [Fact]
    public void LocalKeyFile_Read_OpensslRecipe_IsAccepted()
    {
        // What 'openssl rand -base64 32 > kek.key' writes: 44 characters and a newline.
        var path = Path.Combine(_folder.FullName, "openssl.key");
        File.WriteAllText(path, Convert.ToBase64String(new byte[32]) + "\n");
        Assert.Equal(new byte[32], LocalKeyFile.Read(path));

        File.WriteAllText(path, "not a key");
        Assert.Throws<KeyEncryptionKeyException>(() => LocalKeyFile.Read(path));
    }
}
