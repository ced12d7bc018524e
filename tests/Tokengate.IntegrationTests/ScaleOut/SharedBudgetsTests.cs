using System.Net;
using System.Text.Json;
using Npgsql;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Accounting;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Budgets of a fleet of gateways sharing Redis and PostgreSQL.</summary>
public sealed class SharedBudgetsTests
{
    [Fact]
    public async Task UsdBudget_LoadSpreadOverThreeInstances_StopsTheFleetWithinOneRequest_AndEachAlertIsSentOnce()
    {
        const decimal Amount = 0.01m;
        await using var hook = await WebhookReceiver.StartAsync();
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, postgres.ConnectionString, [("sim", backend, 1)], new()
        {
            ["Tokengate:Budgets:WebhookUrl"] = hook.Url,
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = "0.01",
            ["Tokengate:Budgets:Consumers:app:0:AlertPercents:0"] = "50",
            ["Tokengate:Budgets:Consumers:app:0:AlertPercents:1"] = "80",
        });

        // One request through each instance first, so that every instance spends part of the budget whatever the
        // scheduling of the load below (the budget holds many requests).
        var admitted = new int[3];
        var refused = 0;
        for (var instance = 0; instance < 3; instance++)
        {
            using var first = await fleet.ChatAsync(instance, $"Instance {instance}: first request.");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            admitted[instance]++;
        }

        // Then four clients per instance, each sending until the budget refuses it.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async w =>
        {
            var instance = w % 3;
            for (var i = 0; i < 200; i++)
            {
                using var response = await fleet.ChatAsync(instance, $"Worker {w}, request {i}: tell me about the number {i * 7}.");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref admitted[instance]);
                    continue;
                }
                await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "BudgetExceeded");
                Interlocked.Increment(ref refused);
                return;
            }
            Assert.Fail($"worker {w} was never refused");
        }));
        Assert.All(admitted, n => Assert.True(n > 0, "every instance served part of the budget"));

        // A client's next request can overtake the settle of its previous one, so the last refusals may have counted a
        // reservation that settled lower. Once every request is in the ledger (recorded after its settle), spend up to
        // the amount on one instance; after that the budget is spent for every instance.
        var rows = admitted.Sum() + refused;
        await FleetHarness.LedgerAsync(postgres.ConnectionString, rows, TimeSpan.FromSeconds(20));
        var (drained, _, _) = await SpendUntilRefusedAsync(fleet, 0, postgres.ConnectionString, rows);
        admitted[0] += drained;
        refused++;
        for (var instance = 0; instance < 3; instance++)
        {
            using var later = await fleet.ChatAsync(instance, "One more, please.");
            var error = await AzureErrorAssert.IsErrorAsync(later, HttpStatusCode.TooManyRequests, "BudgetExceeded");
            Assert.Contains("monthly budget of consumer 'app' (0.01 USD) is spent", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            refused++;
        }

        // What the ledger charged: at most the amount plus one request, where three separate budgets would allow three times it.
        await FleetHarness.LedgerAsync(postgres.ConnectionString, admitted.Sum() + refused, TimeSpan.FromSeconds(20));
        var (total, largest) = await CostAsync(postgres.ConnectionString);
        Assert.InRange(total, Amount, Amount + largest);

        // Every instance's view of the budget (metrics, dashboard) comes to the fleet's spend.
        await Secrets.Poll.UntilAsync(() => Enumerable.Range(0, 3).All(i => fleet.Service<IBudgetStore>(i).Describe().Single().Spent == total), TimeSpan.FromSeconds(20));

        // One webhook per threshold for the whole fleet.
        await Secrets.Poll.UntilAsync(() => hook.Received.Count >= 2, TimeSpan.FromSeconds(10));
        await fleet.DisposeAsync();
        var alerts = hook.Received.Select(body => JsonDocument.Parse(body).RootElement).ToList();
        Assert.Equal([50, 80], alerts.Select(a => a.GetProperty("thresholdPercent").GetInt32()).Order());
        Assert.All(alerts, a => Assert.Equal("consumer:app:monthly:usd", a.GetProperty("budget").GetString()));
    }

    [Fact]
    public async Task TokenBudget_RedisStopped_EachInstanceIsAdmittedAgainstItsShare_AndWhenRedisReturnsTheFleetSpendIsSeededAgain()
    {
        const int Amount = 2000;
        await using var redis = await RedisServerProcess.StartAsync();
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(2, redis.Endpoint, postgres.ConnectionString, [("sim", backend, 1)], new()
        {
            ["Tokengate:Budgets:Consumers:app:0:Unit"] = "Tokens",
            ["Tokengate:Budgets:Consumers:app:0:Amount"] = Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var rows = 0;
        var before = await TokensAsync(fleet, 0, "Before the outage.");
        rows++;

        await redis.StopAsync();
        await PollModeAsync(fleet, "local-fallback");

        // Instance 0 on its own: half of what was left, since the other instance may spend the other half meanwhile.
        var share = (Amount - before) / 2m;
        var (count, outage, largest) = await SpendUntilRefusedAsync(fleet, 0, postgres.ConnectionString, rows);
        rows += count + 1;
        Assert.InRange(outage, share, share + largest);
        var other = await TokensAsync(fleet, 1, "The other instance, during the outage.");
        rows++;

        // Redis returns empty (no persistence): the instances seed it again from the ledger, which holds every request.
        await FleetHarness.LedgerAsync(postgres.ConnectionString, rows, TimeSpan.FromSeconds(20));
        await redis.StartAgainAsync();
        await PollModeAsync(fleet, "shared");
        var spent = before + outage + other;
        await Secrets.Poll.UntilAsync(() => Enumerable.Range(0, 2).All(i => fleet.Service<IBudgetStore>(i).Describe().Single().Spent == spent), TimeSpan.FromSeconds(20));

        // And the fleet shares what is left: the budget stops within one request of its amount, not of twice it.
        var (after, _, largestAfter) = await SpendUntilRefusedAsync(fleet, 1, postgres.ConnectionString, rows);
        rows += after + 1;
        largest = Math.Max(largest, largestAfter);
        using (var last = await fleet.ChatAsync(0, "Instance 0 after the outage."))
            await AzureErrorAssert.IsErrorAsync(last, HttpStatusCode.TooManyRequests, "BudgetExceeded");
        rows++;
        await FleetHarness.LedgerAsync(postgres.ConnectionString, rows, TimeSpan.FromSeconds(20));
        Assert.InRange(await TokensInLedgerAsync(postgres.ConnectionString), Amount, Amount + largest);
    }

    /// <summary>
    /// Sends requests to one instance until the budget refuses one, each after the previous one is in the ledger (so
    /// settled): the refusal then means the budget is spent, not that a reservation was still held. Returns the
    /// requests admitted, their tokens and the largest.
    /// </summary>
    private static async Task<(int Admitted, long Tokens, long Largest)> SpendUntilRefusedAsync(FleetHarness fleet, int instance, string postgres, int rows)
    {
        long tokens = 0, largest = 0;
        for (var i = 0; i < 200; i++)
        {
            using var response = await fleet.ChatAsync(instance, $"Instance {instance}, request {i}: tell me about the number {i * 7}.");
            await FleetHarness.LedgerAsync(postgres, ++rows, TimeSpan.FromSeconds(20));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "BudgetExceeded");
                return (i, tokens, largest);
            }
            var used = await UsageAsync(response);
            tokens += used;
            largest = Math.Max(largest, used);
        }
        Assert.Fail($"the budget never stopped instance {instance}");
        return default;
    }

    private static async Task<long> TokensAsync(FleetHarness fleet, int instance, string content)
    {
        using var response = await fleet.ChatAsync(instance, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await UsageAsync(response);
    }

    private static async Task<long> UsageAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64();
    }

    private static async Task<(decimal Total, decimal Largest)> CostAsync(string postgres)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COALESCE(SUM(cost_nanousd), 0), COALESCE(MAX(cost_nanousd), 0) FROM usage_ledger", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (UsageTime.FromNanoUsd(reader.GetInt64(0)), UsageTime.FromNanoUsd(reader.GetInt64(1)));
    }

    private static async Task<long> TokensInLedgerAsync(string postgres)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM usage_ledger", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task PollModeAsync(FleetHarness fleet, string mode)
    {
        for (var i = 0; i < fleet.Gateways.Count; i++)
        {
            var instance = i;
            string? state = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((state = FleetHarness.ReadyzState((await fleet.ReadyzAsync(instance)).Body)) != mode)
            {
                Assert.True(DateTime.UtcNow < deadline, $"instance {instance} stayed in {state}");
                await Task.Delay(20);
            }
        }
    }
}
