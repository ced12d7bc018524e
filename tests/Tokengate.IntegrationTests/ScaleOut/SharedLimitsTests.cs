using System.Globalization;
using System.Net;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Limits;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Rate limits of a fleet of three gateways sharing Redis and PostgreSQL.</summary>
public sealed class SharedLimitsTests
{
    [Fact]
    public async Task Tpm_LoadSpreadOverThreeInstances_HoldsForTheFleetWithinOneEstimate_AndLedgerHasEveryRequestOnce()
    {
        const int Tpm = 3000, Requests = 96;
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)],
            new() { ["Tokengate:Limits:Consumers:app:TokensPerMinute"] = Tpm.ToString(CultureInfo.InvariantCulture) });

        // One request through each instance first, so each has taken part in the shared counter (and has its
        // scripts loaded) before the burst; which instance wins the burst is otherwise a race.
        for (var instance = 0; instance < 3; instance++)
        {
            using var warm = await fleet.ChatAsync(instance, $"warm-up {instance}");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var statuses = new HttpStatusCode[Requests];
        using var gate = new SemaphoreSlim(48);
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await fleet.ChatAsync(i % 3, $"Request {i}: tell me something about the number {i * 7}.");
                statuses[i] = response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);

        // What really ran upstream: no more than the fleet's limit plus one request's estimate (prompt + max_tokens);
        // three independent limits would have let up to three times as much through.
        var stats = backend.Control.GetStats("gpt-4o");
        var oneEstimate = 30 + 40;
        Assert.InRange(stats.PromptTokens + stats.CompletionTokens, 1, Tpm + oneEstimate);

        await fleet.DisposeAsync();
        var ledger = await FleetHarness.LedgerAsync(postgres.ConnectionString);
        Assert.Equal((Requests + 3, Requests + 3), ledger);
    }

    [Fact]
    public async Task Reservation_InstanceDiesHoldingIt_ConcurrencyHoldExpiresForTheOthers_SettledOneFreesAtOnce()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(2, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)],
            new() { ["Tokengate:State:ReservationLifetime"] = "00:00:01" });
        var scope = new LimitScope("consumer:probe", "consumer 'probe'", TokensPerMinute: 1000, RequestsPerMinute: null, ConcurrentRequests: 1);

        // Settled normally: the hold ends at once for every instance.
        var settled = await fleet.Limits(0).TryReserveAsync([scope], 10, default);
        Assert.NotNull(settled.Reservation?.SharedId);
        Assert.False((await fleet.Limits(1).TryReserveAsync([scope], 10, default)).Admitted);
        await fleet.Limits(0).SettleAsync(settled.Reservation!, 5, default);
        var next = await fleet.Limits(1).TryReserveAsync([scope], 10, default);
        Assert.True(next.Admitted);
        Assert.Equal(1000 - 5 - 10, next.RemainingTokens);  // 5 settled, 10 held; the refused attempt charged nothing

        // Never settled (its instance died): refused meanwhile, admitted again once the hold's lifetime has passed.
        var refused = await fleet.Limits(0).TryReserveAsync([scope], 10, default);
        Assert.Equal(LimitKind.ConcurrentRequests, refused.RefusedKind);
        Assert.False(refused.Admitted);
        var started = DateTime.UtcNow;
        LimitDecision later;
        while (!(later = await fleet.Limits(0).TryReserveAsync([scope], 10, default)).Admitted)
        {
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the abandoned hold never expired");
            await Task.Delay(20);
        }
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromMilliseconds(500));
        await fleet.Limits(0).ReleaseAsync(later.Reservation!, default);
    }
}
