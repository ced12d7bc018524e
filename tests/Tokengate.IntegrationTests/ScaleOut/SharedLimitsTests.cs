using System.Globalization;
using System.Net;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Limits;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Rate limits of a fleet of gateways sharing Redis and PostgreSQL.</summary>
public sealed class SharedLimitsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tpm_LoadSpreadOverThreeProcesses_HoldsForTheFleet_AndLedgerHasEveryRequestOnce()
    {
        const int Tpm = 3000, Requests = 96;
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await ProcessFleet.StartBackendAsync();
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)],
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

        // What really ran upstream: no more than the fleet's limit. Each reservation holds the prompt counted exactly
        // plus max_tokens, which bound what the request uses, so the usage of everything admitted fits the limit; three
        // independent limits would have let up to three times as much through. (The burst crosses second boundaries:
        // an instance whose clock still read the earlier second once left the later second's charges out of its sum
        // and let up to a hundred tokens more through.)
        var stats = backend.Control.GetStats("gpt-4o");
        var upstream = stats.PromptTokens + stats.CompletionTokens;
        output.WriteLine($"{statuses.Count(s => s == HttpStatusCode.OK)} of {Requests} admitted; {upstream} tokens upstream for a limit of {Tpm}");
        Assert.InRange(upstream, 1, Tpm);

        await fleet.StopAsync();
        var ledger = await ProcessFleet.LedgerAsync(postgres.ConnectionString);
        Assert.Equal((Requests + 3, Requests + 3), ledger);
    }

    /// <summary>
    /// Two instances inside the test process rather than processes, because this drives <see cref="ILimitStore"/>
    /// directly: it holds a reservation on one instance, tries another in between, and settles the first at a moment
    /// of its choosing, then reads the exact tokens left. Through HTTP a reservation lives exactly as long as its
    /// request, so neither the order nor the arithmetic could be pinned down. What an instance that dies holding
    /// reservations does to the others is shown with real processes in <see cref="InstanceKillTests"/>.
    /// </summary>
    [Fact]
    public async Task Reservation_SettledOnOneInstance_FreesTheConcurrencyHoldForTheOthersAtOnce_RefusedAttemptChargesNothing()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(2, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)]);
        var scope = new LimitScope("consumer:probe", "consumer 'probe'", TokensPerMinute: 1000, RequestsPerMinute: null, ConcurrentRequests: 1);

        var settled = await fleet.Limits(0).TryReserveAsync([scope], 10, default);
        Assert.NotNull(settled.Reservation?.SharedId);
        var refused = await fleet.Limits(1).TryReserveAsync([scope], 10, default);
        Assert.False(refused.Admitted);
        Assert.Equal(LimitKind.ConcurrentRequests, refused.RefusedKind);

        await fleet.Limits(0).SettleAsync(settled.Reservation!, 5, default);
        var next = await fleet.Limits(1).TryReserveAsync([scope], 10, default);
        Assert.True(next.Admitted);
        Assert.Equal(1000 - 5 - 10, next.RemainingTokens);  // 5 settled, 10 held; the refused attempt charged nothing
        await fleet.Limits(1).ReleaseAsync(next.Reservation!, default);
    }
}
