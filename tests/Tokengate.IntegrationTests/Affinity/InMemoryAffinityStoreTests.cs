using Microsoft.Extensions.DependencyInjection;
using Tokengate.Affinity;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>The contract on <see cref="InMemoryAffinityStore"/>, and its memory bound.</summary>
public sealed class InMemoryAffinityStoreTests : AffinityStoreContractTests
{
    private ServiceProvider _services = null!;
    private InMemoryAffinityStore _store = null!;

    private protected override IAffinityStore Store => _store;

    private protected override GatewayMetrics Metrics => _services.GetRequiredService<GatewayMetrics>();

    public override Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<MetricsTimeline>()
            .AddSingleton<BackendQuotaBook>()
            .AddSingleton<GatewayMetrics>()
            .AddSingleton<AffinityMetrics>()
            .BuildServiceProvider();
        _store = Create(new AffinityOptions().MaxRecords);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _services.DisposeAsync();

    private InMemoryAffinityStore Create(int maxRecords) => new(Time, maxRecords, _services.GetRequiredService<AffinityMetrics>());

    [Fact]
    public async Task Record_PastMaxRecords_DropsTheExpiredFirst_ThenTheOldest_DownToNinetyPercent()
    {
        var store = Create(maxRecords: 10);
        // Four that expire early (made first), then six that live, each a minute younger than the last.
        var shortLived = Enumerable.Range(0, 4).Select(i => Response(NewId(), at: T0.AddMinutes(i)) with { ExpiresAt = T0.AddHours(1) }).ToList();
        var longLived = Enumerable.Range(4, 6).Select(i => Response(NewId(), at: T0.AddMinutes(i))).ToList();
        foreach (var r in shortLived.Concat(longLived)) await store.RecordAsync(r, default);
        Assert.Equal(10, store.Count);

        // The eleventh, after the short-lived ones have expired: they go, and nothing that lives is evicted.
        Time.SetUtcNow(T0.AddHours(2));
        var eleventh = Response(NewId(), at: Time.GetUtcNow());
        await store.RecordAsync(eleventh, default);
        await store.WhenTrimmedAsync();
        Assert.Equal(7, store.Count);
        foreach (var r in longLived.Append(eleventh)) Assert.NotNull(await store.FindAsync(r.Id, default));

        // Past the bound again with nothing expired: the oldest go, down to 9.
        var later = Enumerable.Range(0, 4).Select(i => Response(NewId(), at: Time.GetUtcNow().AddMinutes(i + 1))).ToList();
        foreach (var r in later) await store.RecordAsync(r, default);
        await store.WhenTrimmedAsync();
        Assert.Equal(9, store.Count);
        Assert.Null(await store.FindAsync(longLived[0].Id, default));
        Assert.Null(await store.FindAsync(longLived[1].Id, default));
        foreach (var r in longLived.Skip(2).Append(eleventh).Concat(later)) Assert.NotNull(await store.FindAsync(r.Id, default));
    }

    [Fact]
    public async Task Record_ManyMoreThanMaxRecordsConcurrently_StaysWithinTheBound()
    {
        var store = Create(maxRecords: 1_000);

        await Parallel.ForAsync(0, 20_000, async (i, ct) =>
            await store.RecordAsync(Response(NewId(), at: T0.AddTicks(i * 10)), ct));
        await store.WhenTrimmedAsync();

        Assert.InRange(store.Count, 900, 1_000);
    }

    [Fact]
    public async Task Replace_Remove_AndExpiredDrop_KeepTheCountRight()
    {
        var store = Create(maxRecords: 1_000);
        var a = Response(NewId());
        var b = Response(NewId()) with { ExpiresAt = T0.AddMinutes(1) };
        await store.RecordAsync(a, default);
        await store.RecordAsync(a with { Backend = "west" }, default);
        await store.RecordAsync(b, default);
        Assert.Equal(2, store.Count);

        Time.SetUtcNow(T0.AddMinutes(1));
        Assert.Null(await store.FindAsync(b.Id, default));
        await store.RemoveAsync(a.Id, default);
        await store.RemoveAsync(a.Id, default);
        Assert.Equal(0, store.Count);
    }
}
