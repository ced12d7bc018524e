using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Tokengate.OperatorConsole;

namespace Tokengate.Core.Tests.OperatorConsole;

public sealed class ConsoleKeyRingWarmupTests
{
    [Fact]
    public void AddDataProtection_RegistersTheEagerLoaderByTheNameTheWarmupReplaces()
    {
        var services = new ServiceCollection();
        services.AddDataProtection();
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == ConsoleKeyRingWarmup.ReplacedService);
    }

    [Fact]
    public void AddConsoleSignIn_RegistersTheWarmupBeforeTheEagerLoader_AndRemoveEagerLoaderLeavesTheWarmup()
    {
        var services = new ServiceCollection();
        services.AddConsoleSignIn(new ConfigurationBuilder().Build());
        var before = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType?.FullName).ToList();
        Assert.True(before.IndexOf(typeof(ConsoleKeyRingWarmup).FullName) < before.IndexOf(ConsoleKeyRingWarmup.ReplacedService));

        ConsoleKeyRingWarmup.RemoveEagerLoader(services);
        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        Assert.DoesNotContain(hosted, d => d.ImplementationType?.FullName == ConsoleKeyRingWarmup.ReplacedService);
        Assert.Single(hosted, d => d.ImplementationType == typeof(ConsoleKeyRingWarmup));
    }

    [Fact]
    public async Task StartAsync_CalledOffThePool_LoadsTheRingOnThePool()
    {
        var ring = new RecordingKeyRing();
        var warmup = new ConsoleKeyRingWarmup(ring, NullLogger<ConsoleKeyRingWarmup>.Instance);
        Task? start = null;
        var caller = new Thread(() => start = warmup.StartAsync(CancellationToken.None));
        caller.Start();
        caller.Join();
        await start!;
        Assert.True(ring.LoadedOnPool);
    }

    [Fact]
    public async Task StartAsync_WhenTheRingFailsToLoad_StartsAnyway()
    {
        var warmup = new ConsoleKeyRingWarmup(new RecordingKeyRing { Fails = true }, NullLogger<ConsoleKeyRingWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
    }

    private sealed class RecordingKeyRing : IKeyRingProvider
    {
        public bool Fails { get; init; }
        public bool? LoadedOnPool { get; private set; }

        public IKeyRing GetCurrentKeyRing()
        {
            LoadedOnPool = Thread.CurrentThread.IsThreadPoolThread;
            if (Fails) throw new InvalidOperationException("the database is away");
            return null!;
        }
    }
}
