using System.Net;
using System.Text;
using System.Text.Json;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary>
/// <c>tokengate serve</c> runs requests on the socket I/O threads unless the operator set the runtime's variable, and
/// in either mode serves every kind of work: small and large model requests, streams, concurrent requests, an
/// operation the gateway answers from its database and store (a file upload), and operator endpoints.
/// </summary>
public sealed class ServeIoThreadsTests
{
    private const string Key = "key-io-threads-app";
    private const string AdminKey = "key-io-threads-admin";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(null, "Requests run on the socket I/O threads (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1).")]
    [InlineData("1", "Requests run on the socket I/O threads (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1).")]
    [InlineData("0", "Requests run on the thread pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not 1).")]
    // Any value but 1 is off for the runtime, and the gateway says so rather than turning on Kestrel's half alone.
    [InlineData("true", "Requests run on the thread pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not 1).")]
    public async Task Serve_ChoosesInlineCompletionsUnlessTheOperatorDid_AndServesEveryKindOfWork(string? variable, string banner)
    {
        await using var backend = await TestBackends.StartAsync();
        var folder = Directory.CreateTempSubdirectory("tokengate-io-threads-");
        try
        {
            var file = Path.Combine(folder.FullName, "tokengate.json");
            var settings = new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = folder.FullName,
                ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
                ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(AdminKey),
                ["Tokengate:Consumers:ops:Roles:0"] = "admin",
                ["Tokengate:Pools:chat:Backends:0:Model"] = "gpt-4o",
            };
            foreach (var (k, v) in TestBackends.Backend("chat", 0, "sim", backend)) settings[k] = v;
            await ConfigurationFile.WriteAsync(file, settings);

            List<KeyValuePair<string, string>> environment = [new(TestBackends.KeyVariable, TestBackends.BackendKey)];
            if (variable is not null) environment.Add(new(IoThreads.InlineCompletionsVariable, variable));
            await using var process = TokengateProcess.StartWithout(folder.FullName, [IoThreads.InlineCompletionsVariable], environment,
                "serve", "--urls", "http://127.0.0.1:0", "--config", file);
            await process.WaitForOutputAsync("Tokengate listening on ", Deadline);
            var endpoint = process.StandardOutput.Split("Tokengate listening on ")[1].Split(Environment.NewLine)[0].Trim();
            await process.WaitForOutputAsync(banner, Deadline);
            using var client = new HttpClient { BaseAddress = new Uri(endpoint), Timeout = Deadline };

            // Small requests, many at once (they share the I/O threads), and a stream.
            var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                using var response = await client.SendAsync(GatewayRequests.Chat("chat", Key));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            Assert.All(answers, a => Assert.Contains("chat.completion", a.Item2, StringComparison.Ordinal));
            using (var streamed = await client.SendAsync(GatewayRequests.Chat("chat", Key, stream: true)))
            {
                Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
                Assert.Contains("data: [DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // A body over the threshold: parsed and counted on the thread pool.
            var words = string.Join(' ', Enumerable.Repeat("lorem", (int)(IoThreads.LargeBodyBytes / 5)));
            using (var large = await client.SendAsync(GatewayRequests.Chat("chat", Key,
                body: $$"""{"messages":[{"role":"user","content":"{{words}}"}],"max_tokens":8}""")))
            {
                Assert.Equal(HttpStatusCode.OK, large.StatusCode);
                Assert.Contains("\"prompt_tokens\"", await large.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // An operation the gateway answers itself: stored, encrypted and listed from its database.
            using (var upload = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files")
            {
                Content = new MultipartFormDataContent
                {
                    { new ByteArrayContent(Encoding.UTF8.GetBytes("some notes")), "file", "notes.txt" },
                    { new StringContent("assistants"), "purpose" },
                },
            })
            {
                upload.Headers.Add("api-key", Key);
                using var created = await client.SendAsync(upload);
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
                using var list = new HttpRequestMessage(HttpMethod.Get, "openai/v1/files");
                list.Headers.Add("api-key", Key);
                using var listed = await client.SendAsync(list);
                Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
                Assert.Contains("notes.txt", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // Operator endpoints: the usage report queries the ledger the requests above were written to.
            using (var ready = await client.GetAsync("readyz"))
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using (var unauthorized = await client.GetAsync("admin/usage"))
                Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            var until = DateTime.UtcNow + Deadline;
            while (true)
            {
                using var usage = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=consumer");
                usage.Headers.Add("api-key", AdminKey);
                using var report = await client.SendAsync(usage);
                Assert.Equal(HttpStatusCode.OK, report.StatusCode);
                using var json = JsonDocument.Parse(await report.Content.ReadAsStringAsync());
                var requests = json.RootElement.GetProperty("data").EnumerateArray()
                    .Where(row => row.GetProperty("key").GetString() == "app").Sum(row => row.GetProperty("requests").GetInt64());
                // 16 + 1 streamed + 1 large chat completions, once the ledger writer has caught up.
                if (requests >= 18) break;
                Assert.True(DateTime.UtcNow < until, "the usage report did not show the requests");
                await Task.Delay(50);
            }

            Assert.Equal(0, await process.StopAsync(Deadline));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
