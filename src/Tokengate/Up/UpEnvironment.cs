using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.Simulator;

namespace Tokengate.Up;

/// <summary>
/// What <c>tokengate up</c> runs: three simulated Azure OpenAI resources in different regions (one provisioned,
/// two pay-as-you-go), a gateway with a chat pool (with a Global Batch backend beside its live ones), an embeddings pool
/// and image, audio and realtime pools over them, and a development consumer <c>dev</c>
/// stored in the gateway's database with its key kept in the data folder.
/// </summary>
internal sealed class UpEnvironment : IAsyncDisposable
{
    public const string ChatDeployment = "gpt-4o";
    public const string ChatAlias = "chat";

    /// <summary>
    /// The Global Batch deployment beside the chat pool's live backends: batches of <see cref="ChatDeployment"/> run
    /// there when a request asks for azure mode (header <c>x-tokengate-batch-mode: azure</c>); gateway mode stays the default.
    /// </summary>
    public const string BatchDeployment = "gpt-4o-batch";
    public const string EmbeddingsDeployment = "text-embedding-3-small";
    public const string EmbeddingsAlias = "embeddings";
    public const string DevConsumer = "dev";

    /// <summary>The image, audio and realtime deployments, by name, with the model each runs.</summary>
    public static IReadOnlyList<(string Deployment, string Model)> MediaDeployments { get; } =
    [
        ("gpt-image-1", "gpt-image-1"),
        ("dall-e-3", "dall-e-3"),
        ("whisper", "whisper"),
        ("gpt-4o-transcribe", "gpt-4o-transcribe"),
        ("tts", "tts-1"),
        ("gpt-4o-mini-tts", "gpt-4o-mini-tts"),
        ("gpt-realtime", "gpt-realtime-2025-08-28"),
    ];
    private const string BackendKeyVariable = "TOKENGATE_UP_BACKEND_KEY";
    private const string DevKeyFile = "dev-consumer.key";

    // One backend key per process: every simulator of every environment in this process accepts it.
    private static readonly Lazy<string> BackendKey = new(() =>
    {
        var key = ConsumerKeys.Generate("sim_");
        Environment.SetEnvironmentVariable(BackendKeyVariable, key);
        return key;
    });

    private UpEnvironment(GatewayServer gateway, IReadOnlyList<UpBackend> backends, string devKey, DirectoryInfo data)
    {
        Gateway = gateway;
        Backends = backends;
        DevKey = devKey;
        DataDirectory = data;
    }

    public GatewayServer Gateway { get; }

    /// <summary>The gateway's TLS address (development certificate), when it serves one.</summary>
    public Uri? TlsEndpoint => Gateway.Endpoints.FirstOrDefault(e => e.Scheme == Uri.UriSchemeHttps);

    /// <summary>The development certificate's PEM file, for clients to trust.</summary>
    public string CertificatePem => Path.Combine(DataDirectory.FullName, UpCertificate.PemFileName);

    public IReadOnlyList<UpBackend> Backends { get; }

    public string DevKey { get; }

    public DirectoryInfo DataDirectory { get; }

    public static async Task<UpEnvironment> StartAsync(UpSettings settings, CancellationToken cancellationToken = default)
    {
        var data = Directory.CreateDirectory(settings.DataDirectory);
        var devKey = await ReadOrCreateDevKeyAsync(data, cancellationToken).ConfigureAwait(false);
        var backendKey = BackendKey.Value;

        var backends = new List<UpBackend>();
        try
        {
            foreach (var spec in UpBackend.Specs)
            {
                var server = await SimulatorServer.StartAsync(spec.CreateOptions(backendKey, settings), "http://127.0.0.1:0", settings.TimeProvider, cancellationToken).ConfigureAwait(false);
                backends.Add(new UpBackend(spec, server));
            }

            var certificate = settings.TlsUrls.Length > 0 ? UpCertificate.LoadOrCreate(data, settings.TimeProvider ?? TimeProvider.System) : null;
            var urls = certificate is null ? settings.Urls : settings.Urls + ";" + settings.TlsUrls;
            var gateway = await GatewayServer.StartAsync(urls, builder =>
            {
                if (certificate is not null) builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
                builder.Configuration.AddInMemoryCollection(GatewayConfiguration(backends.Select(b => (b.Spec, b.Server.Endpoint)).ToList()));
                builder.Configuration["Tokengate:Data:Directory"] = data.FullName;
                if (settings.TimeProvider is { } time) builder.Services.AddSingleton(time);
                // Configuration rules outrank SetMinimumLevel, so quiet is said the same way.
                if (settings.Quiet) builder.Configuration["Logging:LogLevel:Default"] = "Warning";
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                devKey = await RegisterDevKeyAsync(gateway, data, devKey, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await gateway.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return new UpEnvironment(gateway, backends, devKey, data);
        }
        catch
        {
            foreach (var b in backends) await b.Server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync().ConfigureAwait(false);
        foreach (var b in Backends) await b.Server.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The gateway configuration <c>up</c> runs with, its simulated backends at placeholder addresses: what
    /// <c>tokengate assess --up</c> assesses without starting anything.
    /// </summary>
    public static Dictionary<string, string?> DescribeConfiguration(string dataDirectory)
    {
        var c = GatewayConfiguration(UpBackend.Specs.Select((spec, i) => (spec, new Uri($"http://127.0.0.1:{5081 + i}/"))).ToList());
        c["Tokengate:Data:Directory"] = dataDirectory;
        return c;
    }

    private static Dictionary<string, string?> GatewayConfiguration(IReadOnlyList<(UpBackendSpec Spec, Uri Endpoint)> backends)
    {
        var c = new Dictionary<string, string?>
        {
            [$"Tokengate:Pools:{ChatDeployment}:Aliases:0"] = ChatAlias,
            [$"Tokengate:Pools:{EmbeddingsDeployment}:Aliases:0"] = EmbeddingsAlias,
        };
        for (var i = 0; i < backends.Count; i++)
        {
            var b = backends[i];
            AddBackend(c, ChatDeployment, i, b, b.Spec.Type == SimulatedDeploymentType.Provisioned ? 0 : 1, "gpt-4o");
            AddBackend(c, EmbeddingsDeployment, i, b, 1, "text-embedding-3-small");
            foreach (var (deployment, model) in MediaDeployments) AddBackend(c, deployment, i, b, 1, model);
        }
        var index = backends.Count;
        foreach (var b in backends.Where(b => b.Spec.Batch))
        {
            var p = $"Tokengate:Pools:{ChatDeployment}:Backends:{index++}";
            c[$"{p}:Name"] = $"{b.Spec.Name}-{BatchDeployment}";
            c[$"{p}:Endpoint"] = b.Endpoint.ToString();
            c[$"{p}:Deployment"] = BatchDeployment;
            c[$"{p}:Type"] = nameof(SimulatedDeploymentType.GlobalBatch);
            c[$"{p}:Region"] = b.Spec.Region;
            c[$"{p}:Model"] = "gpt-4o";
            c[$"{p}:ApiKey"] = $"env:{BackendKeyVariable}";
        }
        return c;
    }

    private static void AddBackend(Dictionary<string, string?> c, string pool, int index, (UpBackendSpec Spec, Uri Endpoint) backend, int priority, string model)
    {
        var p = $"Tokengate:Pools:{pool}:Backends:{index}";
        c[$"{p}:Name"] = $"{backend.Spec.Name}-{pool}";
        c[$"{p}:Endpoint"] = backend.Endpoint.ToString();
        c[$"{p}:Deployment"] = pool;
        c[$"{p}:Type"] = pool == ChatDeployment ? backend.Spec.Type.ToString() : "Standard";
        c[$"{p}:Priority"] = priority.ToString(CultureInfo.InvariantCulture);
        c[$"{p}:Region"] = backend.Spec.Region;
        c[$"{p}:Model"] = model;
        c[$"{p}:ApiKey"] = $"env:{BackendKeyVariable}";
    }

    /// <summary>
    /// The development key is a key of the stored consumer <c>dev</c>, like any other: it can be listed, rotated and
    /// revoked. The same key is used across restarts; once revoked or expired, a new one replaces it.
    /// </summary>
    private static async Task<string> RegisterDevKeyAsync(GatewayServer gateway, DirectoryInfo data, string devKey, CancellationToken cancellationToken)
    {
        var administration = gateway.App.Services.GetRequiredService<ConsumerAdministration>();
        var actor = new AuditActor("tokengate-up", null);
        if (await administration.EnsureKeyAsync(actor, DevConsumer, devKey, cancellationToken).ConfigureAwait(false)) return devKey;
        devKey = await ReadOrCreateDevKeyAsync(data, cancellationToken, replace: true).ConfigureAwait(false);
        await administration.EnsureKeyAsync(actor, DevConsumer, devKey, cancellationToken).ConfigureAwait(false);
        return devKey;
    }

    private static async Task<string> ReadOrCreateDevKeyAsync(DirectoryInfo data, CancellationToken cancellationToken, bool replace = false)
    {
        var path = Path.Combine(data.FullName, DevKeyFile);
        if (!replace && File.Exists(path))
        {
            var existing = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            if (existing.Length > 0) return existing;
        }
        var key = ConsumerKeys.Generate("tg_dev_");
        File.Delete(path);
        await File.WriteAllTextAsync(path, key + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
