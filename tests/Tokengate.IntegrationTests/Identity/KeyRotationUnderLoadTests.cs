using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Identity;

/// <summary>A consumer key is rotated while clients keep calling: not one request fails.</summary>
public sealed class KeyRotationUnderLoadTests : IAsyncLifetime
{
    private const int Clients = 8;
    private TestUp _up = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _up = await TestUp.StartAsync();
        _admin = AdminKeys.Operator(_up);
        // This test is about keys: give the simulated backends room for the load so no 429 can come from them.
        foreach (var backend in _up.Environment.Backends)
            backend.Server.Control.Update("gpt-4o", o => { o.TokensPerMinute = 100_000_000; o.ProvisionedThroughputUnits = 100_000; });
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _up.DisposeAsync();
    }

    [Fact]
    public async Task Rotate_SwitchClients_RevokeOld_ZeroFailedRequests()
    {
        var (idA, keyA) = await AdminKeys.CreateConsumerWithKeyAsync(_admin, "busy-app");
        var currentKey = keyA;
        var completed = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var switched = new bool[Clients];
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Volatile.Read(ref currentKey);
                using var response = await _up.Client.SendAsync(GatewayRequests.Chat("gpt-4o", key));
                if (response.StatusCode != HttpStatusCode.OK) failures.Enqueue($"{(int)response.StatusCode} with {(key == keyA ? "A" : "B")}");
                if (key != keyA) Volatile.Write(ref switched[c], true);
                Interlocked.Increment(ref completed);
            }
        })).ToArray();

        await WaitUntilAsync(() => Volatile.Read(ref completed) >= 150);
        string idB, keyB;
        using (var rotate = await _admin.PostAsync($"keys/{idA}/rotate", null))
        {
            Assert.Equal(HttpStatusCode.Created, rotate.StatusCode);
            (idB, keyB) = AdminKeys.Issued(await rotate.Content.ReadAsStringAsync());
        }
        Volatile.Write(ref currentKey, keyB);

        // Revoke A once every client has finished a request with B: after that, none of them holds A.
        await WaitUntilAsync(() => Enumerable.Range(0, Clients).All(c => Volatile.Read(ref switched[c])));
        var atRevoke = Volatile.Read(ref completed);
        using (var revoke = await _admin.PostAsync($"keys/{idA}/revoke", null)) Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await WaitUntilAsync(() => Volatile.Read(ref completed) >= atRevoke + 150);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(completed >= 300, $"only {completed} requests");
        Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(_up.Client, keyA));
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(_up.Client, keyB));

        using var audit = JsonDocument.Parse(await _admin.GetStringAsync("audit?action=key."));
        var events = audit.RootElement.GetProperty("data").EnumerateArray()
            .Select(r => (Action: r.GetProperty("action").GetString(), Target: r.GetProperty("target").GetString(), Actor: r.GetProperty("actor").GetString(),
                Address: r.GetProperty("clientAddress").GetString(), Outcome: r.GetProperty("outcome").GetString()))
            .Where(e => e.Target == idA || e.Target == idB).Reverse().ToList();
        Assert.Equal([("key.created", idA), ("key.rotated", idA), ("key.revoked", idA)], events.Select(e => (e.Action, e.Target)));
        Assert.All(events, e => Assert.Equal(("local-operator", "127.0.0.1", "success"), (e.Actor, e.Address, e.Outcome)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met within 60 s.");
            await Task.Delay(10);
        }
    }
}
