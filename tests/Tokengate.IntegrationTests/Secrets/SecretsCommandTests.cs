using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Secrets;

/// <summary><c>tokengate secrets</c> as an operator runs it, and the gateway reading what it stored.</summary>
public sealed class SecretsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-secrets-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tokengate.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task InitSetListRemove_StoreEncryptedAndNeverPrintValues()
    {
        const string Secret = "cli-secret-value-5e1d";
        var init = await RunAsync(null, "secrets", "init");
        Assert.Equal(0, init.ExitCode);
        var keyFile = Path.Combine(_folder, "tokengate-data", "secrets.key");
        var secretFile = Path.Combine(_folder, "tokengate-data", "secrets.enc");
        Assert.True(File.Exists(secretFile));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

        var set = await RunAsync(Secret + "\n", "secrets", "set", "backend-key");
        Assert.Equal(0, set.ExitCode);
        Assert.Equal(0, (await RunAsync(null, "secrets", "set", "other", "--value", "v2")).ExitCode);
        var list = await RunAsync(null, "secrets", "list");

        Assert.Equal(["backend-key", "other"], list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain(Secret, init.Out + set.Out + set.Error + list.Out + list.Error, StringComparison.Ordinal);
        Assert.Equal(-1, (await File.ReadAllBytesAsync(secretFile)).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Secret)));

        Assert.Equal(0, (await RunAsync(null, "secrets", "remove", "other")).ExitCode);
        var missing = await RunAsync(null, "secrets", "remove", "other");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No secret is named 'other'", missing.Error, StringComparison.Ordinal);
        Assert.Equal("backend-key", (await RunAsync(null, "secrets", "list")).Out.Trim());
    }

    [Fact]
    public async Task Init_Twice_RefusesToReplaceTheKey()
    {
        Assert.Equal(0, (await RunAsync(null, "secrets", "init")).ExitCode);
        var key = await File.ReadAllTextAsync(Path.Combine(_folder, "tokengate-data", "secrets.key"));

        var again = await RunAsync(null, "secrets", "init");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(_folder, "tokengate-data", "secrets.key")));
    }

    [Fact]
    public async Task List_TamperedFile_ClearErrorAndNonZeroExit()
    {
        Assert.Equal(0, (await RunAsync(null, "secrets", "init")).ExitCode);
        Assert.Equal(0, (await RunAsync("value", "secrets", "set", "a")).ExitCode);
        var path = Path.Combine(_folder, "tokengate-data", "secrets.enc");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var list = await RunAsync(null, "secrets", "list");

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("cannot be decrypted", list.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_MissingKeyFile_ClearErrorAndNonZeroExit()
    {
        var list = await RunAsync(null, "secrets", "list", "--key-file", Path.Combine(_folder, "nowhere.key"));

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("nowhere.key' does not exist", list.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_InvalidName_Refused()
    {
        Assert.Equal(0, (await RunAsync(null, "secrets", "init")).ExitCode);

        var set = await RunAsync(null, "secrets", "set", "../x", "--value", "v");

        Assert.Equal(2, set.ExitCode);
        Assert.Contains("is not a secret name", set.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_FileReferenceFromCli_AuthenticatesToBackend()
    {
        _ = TestBackends.BackendKey;
        Assert.Equal(0, (await RunAsync(null, "secrets", "init")).ExitCode);
        Assert.Equal(0, (await RunAsync(TestBackends.BackendKey, "secrets", "set", "sim-key")).ExitCode);
        await using var backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Secrets:FilePath"] = Path.Combine(_folder, "tokengate-data", "secrets.enc"),
            ["Tokengate:Secrets:KeyPath"] = Path.Combine(_folder, "tokengate-data", "secrets.key"),
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("tg_cli-consumer"),
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", backend)) config[k] = v;
        config["Tokengate:Pools:gpt-4o:Backends:0:ApiKey"] = "file:sim-key";

        await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("gpt-4o", "tg_cli-consumer"))).StatusCode);
    }
}
