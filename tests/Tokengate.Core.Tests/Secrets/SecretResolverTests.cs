using System.Security.Cryptography;
using Tokengate.Configuration;

namespace Tokengate.Secrets;

/// <summary><see cref="CompositeSecretResolver"/> over the three stores, with a fake Key Vault client.</summary>
public sealed class SecretResolverTests : IDisposable
{
    private const string FileSecret = "file-secret-value-7f3a";
    private const string VaultSecret = "vault-secret-value-91c2";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokengate-resolver-");
    private readonly SecretsOptions _options;
    private readonly FakeKeyVault _vault = new();
    private readonly CompositeSecretResolver _resolver;

    public SecretResolverTests()
    {
        _options = new SecretsOptions { FilePath = Path.Combine(_folder.FullName, "s.enc"), KeyPath = Path.Combine(_folder.FullName, "s.key") };
        var key = SecretFileKey.Create(_options.KeyPath);
        SecretFile.Write(_options.FilePath, key, new Dictionary<string, string> { ["backend1"] = FileSecret });
        _vault.Secrets[("https://kv1.vault.azure.net/", "key1", null)] = VaultSecret;
        _resolver = new CompositeSecretResolver(new EnvironmentSecretResolver(), new FileSecretResolver(() => _options), new KeyVaultSecretResolver(_vault));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Resolve_FileReference_ReadsTheSecretFile()
    {
        Assert.Null(_resolver.Check("file:backend1"));
        Assert.Equal(FileSecret, _resolver.Resolve("file:backend1"));
    }

    [Fact]
    public void Resolve_FileReference_PicksUpChangesOnTheNextRead()
    {
        SecretFile.Write(_options.FilePath, SecretFileKey.Read(_options), new Dictionary<string, string> { ["backend1"] = "rotated" });

        Assert.Equal("rotated", _resolver.Resolve("file:backend1"));
    }

    [Fact]
    public void Check_FileSecretMissing_NamesItAndHowToAdd()
    {
        var problem = _resolver.Check("file:other");

        Assert.Contains("'other' is not in the secret file", problem, StringComparison.Ordinal);
        Assert.Contains("tokengate secrets set other", problem, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => _resolver.Resolve("file:other"));
    }

    [Fact]
    public void Check_MissingKeyFile_ClearErrorWithoutValues()
    {
        File.Delete(_options.KeyPath);

        var problem = _resolver.Check("file:backend1");

        Assert.Contains("does not exist", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(FileSecret, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TamperedFile_ClearErrorWithoutValues()
    {
        var bytes = File.ReadAllBytes(_options.FilePath);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(_options.FilePath, bytes);

        var problem = _resolver.Check("file:backend1");

        Assert.Contains("cannot be decrypted", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:")]
    [InlineData("file:has space")]
    [InlineData("file:../etc/passwd")]
    public void Check_BadFileName_Refused(string reference) => Assert.StartsWith("must be 'file:NAME'", _resolver.Check(reference), StringComparison.Ordinal);

    [Fact]
    public void Resolve_KeyVaultReference_AsksTheClientForVaultNameAndVersion()
    {
        _vault.Secrets[("https://kv1.vault.azure.net/", "key2", "abc123")] = "versioned";

        Assert.Equal(VaultSecret, _resolver.Resolve("keyvault:https://kv1.vault.azure.net/secrets/key1"));
        Assert.Equal("versioned", _resolver.Resolve("keyvault:https://kv1.vault.azure.net/secrets/key2/abc123"));
        Assert.Equal(2, _vault.Calls);
    }

    [Fact]
    public void Check_KeyVaultReference_ChecksTheFormWithoutCallingTheVault()
    {
        Assert.Null(_resolver.Check("keyvault:https://kv1.vault.azure.net/secrets/key1"));
        Assert.Equal(0, _vault.Calls);
    }

    [Theory]
    [InlineData("keyvault:http://kv1.vault.azure.net/secrets/key1")]
    [InlineData("keyvault:https://kv1.vault.azure.net/keys/key1")]
    [InlineData("keyvault:https://kv1.vault.azure.net/secrets/bad_name")]
    [InlineData("keyvault:https://kv1.vault.azure.net/secrets/")]
    [InlineData("keyvault:kv1")]
    public void Check_MalformedKeyVaultReference_Explains(string reference) =>
        Assert.StartsWith("must be 'keyvault:https://", _resolver.Check(reference), StringComparison.Ordinal);

    [Fact]
    public void Resolve_KeyVaultFailure_ThrowsTheClientsProblem()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _resolver.Resolve("keyvault:https://kv1.vault.azure.net/secrets/missing"));

        Assert.Equal("Key Vault answered 404 (SecretNotFound) when reading secret 'missing' in kv1.vault.azure.net.", ex.Message);
    }

    [Theory]
    [InlineData("sk-0123456789abcdef")]
    [InlineData("secret:x")]
    [InlineData("")]
    public void Check_UnknownPrefix_RefusesWithoutEchoingTheValue(string reference)
    {
        var problem = _resolver.Check(reference);

        Assert.StartsWith("must be a secret reference", problem, StringComparison.Ordinal);
        if (reference.Length > 0) Assert.DoesNotContain(reference, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EnvReference_ReadsTheEnvironment()
    {
        var variable = "TOKENGATE_TEST_RESOLVER_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "env-value");
        try
        {
            Assert.Equal("env-value", _resolver.Resolve("env:" + variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private sealed class FakeKeyVault : IKeyVaultSecretClient
    {
        public Dictionary<(string Vault, string Name, string? Version), string> Secrets { get; } = [];

        public int Calls { get; private set; }

        public bool TryGetSecret(KeyVaultReference reference, out string value, out string problem)
        {
            Calls++;
            problem = "";
            if (Secrets.TryGetValue((reference.VaultUri.ToString(), reference.Name, reference.Version), out value!)) return true;
            value = "";
            problem = $"Key Vault answered 404 (SecretNotFound) when reading {reference}.";
            return false;
        }
    }
}
