using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.IntegrationTests.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Recovery;

/// <summary>
/// <c>tokengate dr</c> run as a process against a live <c>tokengate up</c>: back up a data folder with consumers,
/// files and ledger rows (twice: the second copies only new blobs), verify it, lose the data folder, restore it, and
/// serve the same consumers, files and ledger from the restored folder. The backup holds no plain bytes; a changed or
/// missing blob fails verification.
/// </summary>
public sealed class DisasterRecoveryTests : IAsyncLifetime
{
    private const string Marker = "TOKENGATE-DR-PLAINTEXT-MARKER-41c9";
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromMinutes(5);  // a hang guard only
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokengate-tests", "dr-" + Guid.NewGuid().ToString("N"));
    private string Data => Path.Combine(_root, "data");
    private string Backups => Path.Combine(_root, "backups");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
            if (Directory.Exists(Data + "-keys")) Directory.Delete(Data + "-keys", recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        return Task.CompletedTask;
    }

    private async Task<TokengateProcess> DrAsync(params string[] args)
    {
        var process = TokengateProcess.Start(_root, ["dr", .. args]);
        await process.WaitForExitAsync(ExitDeadline);
        return process;
    }

    private static string Jsonl(string tag, int lines) => string.Concat(Enumerable.Range(0, lines).Select(i =>
        $$$"""{"messages":[{"role":"user","content":"{{{Marker}}} {{{tag}}} question {{{i}}}"},{"role":"assistant","content":"answer {{{i}}}"}]}""" + "\n"));

    private static async Task<string> UploadAsync(TestUp up, string key, string content)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "train.jsonl" },
            { new StringContent("fine-tune"), "purpose" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files") { Content = form };
        request.Headers.Add("api-key", key);
        using var response = await up.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> ContentSha256Async(TestUp up, string key, string fileId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"openai/v1/files/{fileId}/content");
        request.Headers.Add("api-key", key);
        using var response = await up.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
    }

    private static JsonElement LatestManifest(string backups)
    {
        var latest = Directory.GetFiles(Path.Combine(backups, "manifests"), "*.json").Order(StringComparer.Ordinal).Last();
        return JsonDocument.Parse(File.ReadAllText(latest)).RootElement.Clone();
    }

    [Fact]
    public async Task BackupTwice_Verify_LoseTheFolder_Restore_ServesTheSameConsumersFilesAndLedger()
    {
        var up = await TestUp.StartAsync(dataDirectory: Data);
        string consumerKey;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);  // id -> SHA-256 of the content
        (long Records, long Prompt, long Completion, long CostNanoUsd) ledger;
        try
        {
            using var admin = AdminKeys.Operator(up);
            (_, consumerKey) = await AdminKeys.CreateConsumerWithKeyAsync(admin, "dr-" + Marker.ToLowerInvariant());
            for (var i = 0; i < 2; i++)
            {
                var content = Jsonl("file" + i, 10 + i);
                files[await UploadAsync(up, consumerKey, content)] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
            }
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(up.Client, consumerKey));
            // The ledger is written in the background: wait for its three rows (a condition, not a time).
            while ((ledger = await LimitsHarness.ReadLedgerAsync(new DirectoryInfo(Data))).Records < 3) await Task.Yield();

            // First backup, of the live gateway: everything is copied.
            await using (var backup = await DrAsync("backup", "--to", Backups, "--data", Data))
                Assert.True(backup.ExitCode == 0, backup.StandardError + backup.StandardOutput);
            var first = LatestManifest(Backups);
            Assert.Equal(2, first.GetProperty("objects").GetArrayLength());
            Assert.Equal(2, first.GetProperty("copied").GetInt32());
            Assert.Equal(3, first.GetProperty("tables").GetProperty("usage_ledger").GetInt64());

            // Second backup after one more upload: only the new blob is copied; the manifest still lists all three.
            var third = Jsonl("file2", 5);
            files[await UploadAsync(up, consumerKey, third)] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(third)));
            await using (var backup = await DrAsync("backup", "--to", Backups, "--data", Data))
                Assert.True(backup.ExitCode == 0, backup.StandardError + backup.StandardOutput);
            var second = LatestManifest(Backups);
            Assert.Equal(3, second.GetProperty("objects").GetArrayLength());
            Assert.Equal(1, second.GetProperty("copied").GetInt32());
            Assert.Equal(2, second.GetProperty("reused").GetInt32());
            Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("previous").GetString());
            Assert.All(second.GetProperty("objects").EnumerateArray(), o => Assert.False(string.IsNullOrEmpty(o.GetProperty("kekId").GetString())));

            await using (var verify = await DrAsync("verify", "--from", Backups, "--data", Data))
            {
                Assert.True(verify.ExitCode == 0, verify.StandardError + verify.StandardOutput);
                Assert.Contains("3 files decrypted", verify.StandardOutput, StringComparison.Ordinal);
            }
        }
        finally
        {
            up.Client.Dispose();
            await up.Environment.DisposeAsync();  // stops the gateway (the ledger drains); the data folder stays
        }

        // No plain bytes in the backup: neither a file's content nor a consumer's name.
        foreach (var path in Directory.EnumerateFiles(Backups, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)) < 0, $"{path} holds the marker in plain");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker.ToLowerInvariant())) < 0, $"{path} holds the consumer's name in plain");
        }

        // The data folder is lost (its key-encryption key, beside it, is not); restore refuses a non-empty folder.
        SqliteConnection.ClearAllPools();
        await using (var refused = await DrAsync("restore", "--from", Backups, "--data", Data))
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("not empty", refused.StandardError, StringComparison.Ordinal);
        }
        Directory.Delete(Data, recursive: true);
        await using (var restore = await DrAsync("restore", "--from", Backups, "--data", Data))
            Assert.True(restore.ExitCode == 0, restore.StandardError + restore.StandardOutput);

        Assert.Equal(ledger, await LimitsHarness.ReadLedgerAsync(new DirectoryInfo(Data)));

        // A changed blob, then a missing one, fail verification, naming the object.
        var blob = Directory.GetFiles(Path.Combine(Backups, "blobs", "files")).Order(StringComparer.Ordinal).First();
        var original = await File.ReadAllBytesAsync(blob);
        var changed = (byte[])original.Clone();
        changed[changed.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(blob, changed);
        await using (var verify = await DrAsync("verify", "--from", Backups, "--data", Data))
        {
            Assert.Equal(1, verify.ExitCode);
            Assert.Contains("PROBLEM: blobs/files/" + Path.GetFileName(blob), verify.StandardOutput, StringComparison.Ordinal);
        }
        File.Delete(blob);
        await using (var verify = await DrAsync("verify", "--from", Backups, "--data", Data))
        {
            Assert.Equal(1, verify.ExitCode);
            Assert.Contains($"blobs/files/{Path.GetFileName(blob)}: missing", verify.StandardOutput, StringComparison.Ordinal);
        }
        await File.WriteAllBytesAsync(blob, original);
        await using (var restored = await TestUp.StartAsync(dataDirectory: Data))
        {
            Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(restored.Client, consumerKey));
            foreach (var (id, sha256) in files) Assert.Equal(sha256, await ContentSha256Async(restored, consumerKey, id));
            using var admin = AdminKeys.Operator(restored);
            var consumers = await admin.GetStringAsync("consumers");
            Assert.Contains("dr-" + Marker.ToLowerInvariant(), consumers, StringComparison.Ordinal);
        }
    }
}
