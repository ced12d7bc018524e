using Microsoft.Extensions.Time.Testing;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// The environment of <c>tokengate up</c> (three simulated backends, a chat and an embeddings pool, a development
/// key) on free loopback ports, with zero simulated latency, its own data folder, and optionally a fake clock
/// shared by gateway and simulators.
/// </summary>
internal sealed class TestUp : IAsyncDisposable
{
    private TestUp(UpEnvironment environment, string dataDirectory, FakeTimeProvider? time)
    {
        Environment = environment;
        DataDirectory = dataDirectory;
        Time = time;
        Client = new HttpClient { BaseAddress = environment.Gateway.Endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    public UpEnvironment Environment { get; }

    public string DataDirectory { get; }

    public FakeTimeProvider? Time { get; }

    /// <summary>A plain HTTP client on the gateway: no SDK retries that could hide an error.</summary>
    public HttpClient Client { get; }

    public Uri Endpoint => Environment.Gateway.Endpoint;

    public string Key => Environment.DevKey;

    /// <param name="time">A fake clock for gateway and simulators.</param>
    /// <param name="tls">Serve TLS as well (on a free port), with up's development certificate.</param>
    /// <param name="dataDirectory">The data folder (a new temporary one by default), e.g. one a test restored.</param>
    public static async Task<TestUp> StartAsync(FakeTimeProvider? time = null, bool tls = false, string? dataDirectory = null)
    {
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "tokengate-tests", Guid.NewGuid().ToString("N"));
        var environment = await UpEnvironment.StartAsync(new UpSettings("http://127.0.0.1:0", data)
        {
            RealisticLatency = false,
            Quiet = true,
            TimeProvider = time,
            TlsUrls = tls ? "https://127.0.0.1:0" : "",
        });
        return new TestUp(environment, data, time);
    }

    public UpBackend Backend(string name) => Environment.Backends.Single(b => b.Spec.Name == name);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Environment.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
            if (Directory.Exists(DataDirectory.TrimEnd('/') + "-keys")) Directory.Delete(DataDirectory.TrimEnd('/') + "-keys", recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
