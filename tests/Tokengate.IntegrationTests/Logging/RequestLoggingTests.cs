using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tokengate.IntegrationTests.Limits;
using Tokengate.Logging;

namespace Tokengate.IntegrationTests.Logging;

/// <summary>The logging policy end to end: what reaches the disk under <c>metadata</c> and under <c>full</c>.</summary>
public sealed class RequestLoggingTests
{
    private const string Prompt = "The lighthouse keeper writes to alice@example.com and pays with 4111 1111 1111 1111.";

    [Fact]
    public async Task Metadata_NoPromptOrCompletionTextReachesStorage()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:RequestLogging:Consumers:app"] = "Metadata" });
        var completions = await SendAsync(h);
        await h.StopGatewayAsync(); // a graceful stop drains the log queue

        var files = Directory.GetFiles(Path.Combine(h.Data.FullName, "request-logs"));
        var file = Assert.Single(files);
        Assert.Matches(@"metadata-\d{8}\.jsonl$", file);
        var lines = File.ReadAllLines(file);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("app", first.RootElement.GetProperty("consumer").GetString());
        Assert.True(first.RootElement.GetProperty("promptTokens").GetInt64() > 0);
        Assert.False(first.RootElement.TryGetProperty("request", out _));

        foreach (var path in Directory.GetFiles(h.Data.FullName, "*", SearchOption.AllDirectories))
        {
            var bytes = await ReadSharedAsync(path);
            Assert.True(bytes.AsSpan().IndexOf("lighthouse keeper"u8) < 0, path);
            Assert.True(bytes.AsSpan().IndexOf("alice@example.com"u8) < 0, path);
            foreach (var completion in completions)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(completion)) < 0, path);
        }
    }

    [Fact]
    public async Task Full_StoredEncrypted_AndDecryptsToTheRedactedText()
    {
        var variable = "TOKENGATE_TEST_LOG_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var key = RandomNumberGenerator.GetBytes(32);
        Environment.SetEnvironmentVariable(variable, Convert.ToBase64String(key));
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:RequestLogging:Groups:team"] = "Full",
            ["Tokengate:RequestLogging:EncryptionKey"] = "env:" + variable,
        });
        var completions = await SendAsync(h);
        await h.StopGatewayAsync();

        // One file per batch written; the writer may have seen the two requests in one batch or two.
        var files = Directory.GetFiles(Path.Combine(h.Data.FullName, "request-logs"));
        Assert.NotEmpty(files);
        var lines = new List<string>();
        foreach (var file in files)
        {
            Assert.EndsWith(RequestLogFile.Extension, file, StringComparison.Ordinal);
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf("lighthouse"u8) < 0);
            Assert.True(bytes.AsSpan().IndexOf("alice"u8) < 0);
            Assert.True(bytes.AsSpan().IndexOf("REDACTED"u8) < 0);
            lines.AddRange(Encoding.UTF8.GetString(RequestLogFile.Read(file, key)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var request = doc.RootElement.GetProperty("request").GetString()!;
            Assert.Contains("The lighthouse keeper writes to [REDACTED:email] and pays with [REDACTED:card].", request, StringComparison.Ordinal);
            Assert.DoesNotContain("alice@example.com", request, StringComparison.Ordinal);
            // Streams are logged as the assembled text; plain answers as the message content.
            var stream = doc.RootElement.GetProperty("stream").GetBoolean();
            Assert.Equal(completions[stream ? 1 : 0], doc.RootElement.GetProperty("completion").GetString());
        }
        Environment.SetEnvironmentVariable(variable, null);
    }

    /// <summary>One plain and one streamed request; returns the completion text each client saw.</summary>
    private static async Task<string[]> SendAsync(LimitsHarness h)
    {
        using var plain = await h.ChatAsync(LimitsHarness.ChatBody(Prompt, maxTokens: 25));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using var doc = JsonDocument.Parse(await plain.Content.ReadAsStringAsync());
        var first = doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

        using var streamed = await h.ChatAsync(LimitsHarness.ChatBody(Prompt, maxTokens: 25, stream: true));
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var text = new StringBuilder();
        foreach (var line in (await streamed.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            using var chunk = JsonDocument.Parse(line[6..]);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) text.Append(c.GetString());
            }
        }
        Assert.True(first.Length > 0 && text.Length > 0);
        return [first, text.ToString()];
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
