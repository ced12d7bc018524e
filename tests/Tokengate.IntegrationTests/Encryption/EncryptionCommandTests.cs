using System.Diagnostics;
using Tokengate.Encryption;

namespace Tokengate.IntegrationTests.Encryption;

/// <summary><c>tokengate encryption create-key</c> as an operator runs it.</summary>
public sealed class EncryptionCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-encryption-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tokengate.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task CreateKey_WritesAnOwnerOnlyKey_AndNeverReplacesIt()
    {
        var path = Path.Combine(_folder, "keys", "kek-2.key");
        var created = await RunAsync("encryption", "create-key", "--out", path);

        Assert.Equal(0, created.ExitCode);
        Assert.Contains(path, created.Out, StringComparison.Ordinal);
        var key = LocalKeyFile.Read(path);
        Assert.Equal(32, key.Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var again = await RunAsync("encryption", "create-key", "--out", path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(key, LocalKeyFile.Read(path));
    }
}
