using System.Security.Cryptography;
using Tokengate.Configuration;

namespace Tokengate.Secrets;

public sealed class SecretFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokengate-secrets-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public void WriteThenRead_RoundTripsAndKeepsNoPlaintext()
    {
        var key = RandomNumberGenerator.GetBytes(SecretFileKey.Size);
        SecretFile.Write(PathOf("s.enc"), key, new Dictionary<string, string> { ["backend-key"] = "plain-secret-value-123" });

        Assert.Equal("plain-secret-value-123", SecretFile.Read(PathOf("s.enc"), key)["backend-key"]);
        var stored = File.ReadAllBytes(PathOf("s.enc"));
        Assert.Equal(-1, stored.AsSpan().IndexOf("plain-secret-value-123"u8));
        Assert.Equal(-1, stored.AsSpan().IndexOf("backend-key"u8));
    }

    [Fact]
    public void Read_TamperedByte_FailsWithClearError()
    {
        var key = RandomNumberGenerator.GetBytes(SecretFileKey.Size);
        SecretFile.Write(PathOf("s.enc"), key, new Dictionary<string, string> { ["a"] = "b" });
        var bytes = File.ReadAllBytes(PathOf("s.enc"));
        bytes[^1] ^= 1;
        File.WriteAllBytes(PathOf("s.enc"), bytes);

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFile.Read(PathOf("s.enc"), key));
        Assert.Contains("cannot be decrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongKey_FailsWithClearError()
    {
        SecretFile.Write(PathOf("s.enc"), RandomNumberGenerator.GetBytes(32), new Dictionary<string, string> { ["a"] = "b" });

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFile.Read(PathOf("s.enc"), RandomNumberGenerator.GetBytes(32)));
        Assert.Contains("the key is not the one it was written with", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotASecretFile_SaysSo()
    {
        File.WriteAllText(PathOf("s.enc"), "{\"a\":\"b\"} and some more text to be long enough");

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFile.Read(PathOf("s.enc"), RandomNumberGenerator.GetBytes(32)));
        Assert.Contains("is not a Tokengate secret file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_PointsToInit()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SecretFile.Read(PathOf("none.enc"), RandomNumberGenerator.GetBytes(32)));
        Assert.Contains("tokengate secrets init", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKey_WritesOwnerOnlyFileAndNeverOverwrites()
    {
        var key = SecretFileKey.Create(PathOf("k"));

        Assert.Equal(key, SecretFileKey.Read(new SecretsOptions { KeyPath = PathOf("k") }));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("k")));
        Assert.Throws<InvalidOperationException>(() => SecretFileKey.Create(PathOf("k")));
        Assert.Equal(key, SecretFileKey.Read(new SecretsOptions { KeyPath = PathOf("k") }));
    }

    [Fact]
    public void ReadKey_MissingKeyFile_ClearError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SecretFileKey.Read(new SecretsOptions { KeyPath = PathOf("missing.key") }));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing.key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadKey_NotBase64Of32Bytes_ClearError()
    {
        File.WriteAllText(PathOf("short.key"), Convert.ToBase64String(new byte[16]));

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFileKey.Read(new SecretsOptions { KeyPath = PathOf("short.key") }));
        Assert.Contains("base64 of 32 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadKey_FromEnvironmentVariable_TakesPrecedenceOverKeyPath()
    {
        var variable = "TOKENGATE_TEST_SECRETS_KEY_" + Guid.NewGuid().ToString("N");
        var key = RandomNumberGenerator.GetBytes(32);
        Environment.SetEnvironmentVariable(variable, Convert.ToBase64String(key));
        try
        {
            Assert.Equal(key, SecretFileKey.Read(new SecretsOptions { KeyPath = PathOf("missing.key"), KeyEnvironmentVariable = variable }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
