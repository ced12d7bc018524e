using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Encryption;

public sealed class EncryptionOptionsValidatorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tokengate-encopts-");

    public void Dispose() => _root.Delete(recursive: true);

    private string DataFolder => Path.Combine(_root.FullName, "data");

    private IEnumerable<string> Errors(EncryptionOptions options)
    {
        var result = new EncryptionOptionsValidator(Options.Create(new DataOptions { Directory = DataFolder })).Validate(null, options);
        return result.Succeeded ? [] : result.Failures ?? [];
    }

    private string Key(string relative)
    {
        var path = Path.Combine(_root.FullName, relative);
        LocalKeyFile.Create(path);
        return path;
    }

    [Fact]
    public void Validate_Nothing_Passes() => Assert.Empty(Errors(new EncryptionOptions()));

    [Fact]
    public void Validate_TwoLocalKeysWithCurrent_Passes() =>
        Assert.Empty(Errors(new EncryptionOptions { LocalKeys = { ["kek-1"] = Key("keys/1.key"), ["kek-2"] = Key("keys/2.key") }, CurrentKey = "kek-2" }));

    [Fact]
    public void Validate_KeyInsideDataFolder_Refused()
    {
        var error = Assert.Single(Errors(new EncryptionOptions { LocalKeys = { ["kek-1"] = Key("data/kek.key") } }));
        Assert.StartsWith("Tokengate:Encryption:LocalKeys:kek-1: the key file", error, StringComparison.Ordinal);
        Assert.Contains("inside the data folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyBesideDataFolderWithSamePrefix_Passes() =>
        Assert.Empty(Errors(new EncryptionOptions { LocalKeys = { ["kek-1"] = Key("data-keys/kek.key") } }));

    [Fact]
    public void Validate_MissingFileAndAmbiguousCurrent_NamesEach()
    {
        var errors = Errors(new EncryptionOptions
        {
            LocalKeys = { ["kek-1"] = Path.Combine(_root.FullName, "none.key"), ["kek-2"] = Key("k2.key"), ["bad id"] = Key("k3.key") },
            KeyVaultKey = "https://kv.vault.azure.net/keys/kek",
            KeyVaultAlgorithm = "RSA1_5",
            CacheSize = -1,
        }).ToList();

        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:LocalKeys:kek-1:", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:LocalKeys:bad id:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:KeyVaultKey:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:KeyVaultAlgorithm:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:CurrentKey: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tokengate:Encryption:CacheSize:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CurrentKeyUnknown_Refused() =>
        Assert.Equal("Tokengate:Encryption:CurrentKey: 'kek-9' is neither a LocalKeys id nor the KeyVaultKey.",
            Assert.Single(Errors(new EncryptionOptions { LocalKeys = { ["kek-1"] = Key("k1.key") }, CurrentKey = "kek-9" })));

    [Fact]
    public void Resolve_NothingConfigured_DefaultKeyBesideTheDataFolder()
    {
        var settings = EncryptionKeySettings.Resolve(new EncryptionOptions(), new DataOptions { Directory = DataFolder + "/" });

        Assert.True(settings.IsDefault);
        Assert.Equal("kek-1", settings.CurrentKeyId);
        Assert.Equal(Path.Combine(_root.FullName, "data-keys", "kek-1.key"), settings.LocalKeys["kek-1"]);
    }
}
