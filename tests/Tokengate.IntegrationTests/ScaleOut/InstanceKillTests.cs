using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>One gateway process of three killed (SIGKILL) under load, as a crash or an out-of-memory kill would end it.</summary>
public sealed class InstanceKillTests(ITestOutputHelper output)
{
    private const int Victim = 2;
    private const int WorkersPerInstance = 4;
    private const string HeldKey = "key-held";
    private const int HeldLimit = 2;
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(2);

    // How recent a response must be for its usage record to die with the instance: the ledger writer gathers records
    // for Tokengate:Accounting:LedgerFlushInterval (100 ms) before one insert; a second leaves room for a slow machine.
    private static readonly TimeSpan UnwrittenWindow = TimeSpan.FromSeconds(1);

    /// <summary>The key of the clients of one instance: each has its own consumer, so the ledger can be counted per instance.</summary>
    private static string KeyOf(int instance) => $"key-app-{instance}";

    [Fact]
    public async Task Kill_OneProcessMidLoad_SurvivorsServeThroughout_OnlyItsInFlightRequestsFail_LedgerLosesOnlyItsUnwrittenLastRecords_ItsHoldsExpire()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await ProcessFleet.StartBackendAsync();
        // Each request takes a little while upstream, so the victim always has requests in flight when it dies.
        backend.Control.Update("gpt-4o", o => o.Latency.TimeToFirstTokenMs = 50);
        // A second pool whose backend never answers in time: requests to it hold their reservations until the kill.
        await using var slow = await ProcessFleet.StartBackendAsync();
        slow.Control.Update("gpt-4o", o => o.Latency.TimeToFirstTokenMs = 30_000);
        var settings = new Dictionary<string, string?>
        {
            // Short, so the test sees the victim's holds expire; in production it must exceed the forwarding deadline.
            ["Tokengate:State:ReservationLifetime"] = ReservationLifetime.ToString("c", CultureInfo.InvariantCulture),
            ["Tokengate:Consumers:held:KeyHashes:0"] = KeyHash.Format(HeldKey),
            ["Tokengate:Limits:Consumers:held:ConcurrentRequests"] = HeldLimit.ToString(CultureInfo.InvariantCulture),
            ["Tokengate:Pools:slow:Backends:0:Model"] = "gpt-4o",
        };
        for (var i = 0; i < 3; i++) settings[$"Tokengate:Consumers:app-{i}:KeyHashes:0"] = KeyHash.Format(KeyOf(i));
        foreach (var (k, v) in TestBackends.Backend("slow", 0, "slow", slow)) settings[k] = v;
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)], settings);

        // Long enough before the kill that most of the victim's records are well behind it.
        var load = new FleetLoad(fleet, WorkersPerInstance, KeyOf);
        await Secrets.Poll.UntilAsync(() => load.CompletedBy(Victim) >= 80, TimeSpan.FromSeconds(30));

        // Consumer 'held' fills its concurrency limit with requests through the victim that will never finish ...
        var heldSent = Stopwatch.StartNew();
        var held = Enumerable.Range(0, HeldLimit).Select(i => SendAsync(fleet, Victim, ProcessFleet.Chat($"held {i}", HeldKey, deployment: "slow"))).ToList();
        await Secrets.Poll.UntilAsync(() => slow.Control.GetStats("gpt-4o").RequestsReceived == HeldLimit, TimeSpan.FromSeconds(10));
        var heldResponses = 0;
        var (status, body) = await SendAsync(fleet, 0, ProcessFleet.Chat("probe before the kill", HeldKey, maxTokens: 5));
        heldResponses++;
        Assert.True(status == HttpStatusCode.TooManyRequests && body.Contains("concurrent requests", StringComparison.Ordinal), $"{status} {body}");

        // ... and the victim dies holding them, with the load's requests in flight.
        var killedAt = load.Now;
        var sinceKill = Stopwatch.StartNew();
        await fleet.KillAsync(Victim);
        Assert.All(await Task.WhenAll(held), r => Assert.Null(r.Status));

        // The survivors refuse 'held' while the dead instance's holds live, and admit it once they have expired.
        var refusedAfterKill = 0;
        TimeSpan freedAfterKill, freedAfterHold;
        for (var probe = 0; ; probe++)
        {
            (status, body) = await SendAsync(fleet, probe % 2, ProcessFleet.Chat($"probe {probe}", HeldKey, maxTokens: 5));
            heldResponses++;
            if (status == HttpStatusCode.OK)
            {
                (freedAfterKill, freedAfterHold) = (sinceKill.Elapsed, heldSent.Elapsed);
                break;
            }
            Assert.True(status == HttpStatusCode.TooManyRequests && body.Contains("concurrent requests", StringComparison.Ordinal), $"{status} {body}");
            refusedAfterKill++;
            Assert.True(sinceKill.Elapsed < ReservationLifetime + TimeSpan.FromSeconds(5), $"the dead instance's holds still block after {sinceKill.Elapsed}");
            await Task.Delay(50);
        }

        // The survivors keep serving after the kill.
        await load.ProgressAsync(60);
        await load.StopAsync();
        var failures = load.Failures;
        output.WriteLine($"three processes ready {fleet.StartedIn.TotalMilliseconds:0} ms after they were started");
        output.WriteLine($"{load.Completed} responses; instances 0/1/2 answered {load.CompletedBy(0)}/{load.CompletedBy(1)}/{load.CompletedBy(Victim)}; " +
            $"{failures.Count} requests failed at the kill: {string.Join("; ", failures)}");
        output.WriteLine($"'held' was refused {refusedAfterKill} times after the kill and admitted {freedAfterKill.TotalMilliseconds:0} ms after it " +
            $"({freedAfterHold.TotalMilliseconds:0} ms after its holds were taken; ReservationLifetime {ReservationLifetime.TotalMilliseconds:0} ms)");

        Assert.All(failures, f => Assert.True(f.Instance == Victim && f.Status is null, $"not a request in flight to the killed instance: {f}"));
        Assert.InRange(failures.Count, 0, WorkersPerInstance);  // each of its workers loses at most the request it had in flight
        Assert.True(refusedAfterKill > 0, "the dead instance's holds never blocked anyone");
        Assert.True(freedAfterHold >= ReservationLifetime - TimeSpan.FromMilliseconds(50), $"the holds ended before their lifetime: {freedAfterHold}");
        Assert.True(freedAfterKill <= ReservationLifetime + TimeSpan.FromSeconds(1), $"the holds outlived their lifetime: freed {freedAfterKill} after the kill");

        // The ledger holds exactly one record for every response the survivors' clients saw. Of the victim's, the records
        // of responses it finished in its last moments were still in its ledger writer's batch, in memory, and died with
        // it; every older one is there, and there are never more records than responses.
        await fleet.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            var (rows, distinct) = await ProcessFleet.LedgerAsync(postgres.ConnectionString, $"app-{i}");
            Assert.Equal(rows, distinct);
            if (i != Victim)
            {
                output.WriteLine($"ledger for instance {i}: {rows} records for {load.CompletedBy(i)} responses");
                Assert.Equal(load.CompletedBy(i), rows);
                continue;
            }
            var times = load.CompletionTimes(Victim);
            var lost = times.Count - (int)rows;
            output.WriteLine($"ledger for instance {i} (killed): {rows} records for {times.Count} responses; the {lost} missing are at most those of " +
                $"responses seen in the last {(lost <= 0 ? 0 : (killedAt - times[^lost]).TotalMilliseconds):0} ms before the kill");
            Assert.InRange(rows, times.Count(t => t < killedAt - UnwrittenWindow), times.Count);
        }
        Assert.Equal((heldResponses, heldResponses), await ProcessFleet.LedgerAsync(postgres.ConnectionString, "held"));
    }

    private static async Task<(HttpStatusCode? Status, string Body)> SendAsync(ProcessFleet fleet, int instance, HttpRequestMessage request)
    {
        try
        {
            using (request)
            using (var response = await fleet.Clients[instance].SendAsync(request))
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (null, ex.Message);
        }
    }
}
