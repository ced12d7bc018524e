using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Identity;

/// <summary>Consumers and keys through the admin API of a running gateway, with a fake clock for expiry and throttling.</summary>
public sealed class ConsumerKeysApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private TestUp _up = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _up = await TestUp.StartAsync(_time);
        _admin = AdminKeys.Operator(_up);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _up.DisposeAsync();
    }

    [Fact]
    public async Task CreatedKey_WorksAtOnce_RevokedKey_RefusedAtOnce()
    {
        var (id, key) = await AdminKeys.CreateConsumerWithKeyAsync(_admin, "checkout");
        Assert.StartsWith("tg_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(_up.Client, key));

        using (var revoke = await _admin.PostAsync($"keys/{id}/revoke", null))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var refused = await _up.Client.SendAsync(GatewayRequests.Chat("gpt-4o", key));
        await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.Unauthorized, "401");

        // The listing shows the key by id and prefix, never the key or its hash.
        var listing = await _admin.GetStringAsync("keys?consumer=checkout");
        Assert.DoesNotContain(key, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(Tokengate.Identity.KeyHash.Format(key)[7..], listing, StringComparison.OrdinalIgnoreCase);
        using var keys = JsonDocument.Parse(listing);
        var listed = Assert.Single(keys.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal((id, key[..8], "revoked"), (listed.GetProperty("id").GetString(), listed.GetProperty("prefix").GetString(), listed.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task WrongExpiredAndRevokedKeys_ByteIdentical401()
    {
        var (_, expiring) = await AdminKeys.CreateConsumerWithKeyAsync(_admin, "app", expires: "1h");
        var (revokedId, revoked) = await AdminKeys.CreateKeyAsync(_admin, "app");
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(_up.Client, expiring));
        using (var r = await _admin.PostAsync($"keys/{revokedId}/revoke", null)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        _time.Advance(TimeSpan.FromHours(1));

        var answers = new List<(HttpStatusCode, string, byte[])>();
        foreach (var key in new[] { "tg_" + new string('x', 32), expiring, revoked })
        {
            using var response = await _up.Client.SendAsync(GatewayRequests.Chat("gpt-4o", key));
            var headers = string.Join('\n', response.Content.Headers.Concat(response.Headers.Where(h => h.Key != "Date")).Select(h => $"{h.Key}: {string.Join(',', h.Value)}").Order(StringComparer.Ordinal));
            answers.Add((response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync()));
        }
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Item1));
        Assert.Single(answers.Select(a => a.Item2).Distinct());
        Assert.Single(answers.Select(a => Convert.ToHexString(a.Item3)).Distinct());
    }

    [Fact]
    public async Task Key_WithExpiry_RefusedFromTheMomentItExpires()
    {
        var (_, key) = await AdminKeys.CreateConsumerWithKeyAsync(_admin, "temp", expires: "30m");
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(_up.Client, key));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(_up.Client, key));
    }

    [Fact]
    public async Task BadInputs_RightStatusInAzureShape()
    {
        await AdminKeys.CreateConsumerWithKeyAsync(_admin, "full");
        await AdminKeys.CreateKeyAsync(_admin, "full");

        await ExpectAsync(await _admin.PostAsJsonAsync("consumers/nobody/keys", new { }), HttpStatusCode.NotFound, "NotFound");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers/full/keys", new { }), HttpStatusCode.Conflict, "Conflict", "2 active keys");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers/full/keys", new { expires = "soon" }), HttpStatusCode.BadRequest, "BadRequest", "expires");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers/full/keys", new { expires = "2020-01-01T00:00:00Z" }), HttpStatusCode.BadRequest, "BadRequest", "future");
        await ExpectAsync(await _admin.PostAsync("consumers", null), HttpStatusCode.BadRequest, "BadRequest", "body is required");
        await ExpectAsync(await _admin.PostAsync("consumers", new StringContent("{\"name\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "BadRequest");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers", new { group = "g" }), HttpStatusCode.BadRequest, "BadRequest", "'name' is required");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers", new { name = "bad name!" }), HttpStatusCode.BadRequest, "BadRequest");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers", new { name = "x", roles = new[] { "superuser" } }), HttpStatusCode.BadRequest, "BadRequest", "superuser");
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers", new { name = "full" }), HttpStatusCode.Conflict, "Conflict");
        await ExpectAsync(await _admin.PostAsync("keys/key_0000000000000000/revoke", null), HttpStatusCode.NotFound, "NotFound");
        await ExpectAsync(await _admin.PostAsync("keys/key_0000000000000000/rotate", null), HttpStatusCode.NotFound, "NotFound");
        await ExpectAsync(await _admin.GetAsync("keys?consumer=nobody"), HttpStatusCode.NotFound, "NotFound");
        await ExpectAsync(await _admin.DeleteAsync("consumers/nobody"), HttpStatusCode.NotFound, "NotFound");

        // Each failed change is audited with its outcome.
        using var audit = JsonDocument.Parse(await _admin.GetStringAsync("audit?action=key.created"));
        Assert.Contains(audit.RootElement.GetProperty("data").EnumerateArray(), r => r.GetProperty("outcome").GetString() == "failed" && r.GetProperty("target").GetString() == "nobody");
    }

    [Fact]
    public async Task RolesAboveConsumer_NeedAdmin_AndDenialsAreAudited()
    {
        // The local operator is an operator, not an admin.
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers", new { name = "ops", roles = new[] { "operator" } }), HttpStatusCode.Forbidden, "PermissionDenied");

        // The development key is a plain consumer: no admin API changes at all.
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = JsonContent.Create(new { name = "sneaky" }) };
        request.Headers.Add("api-key", _up.Key);
        await ExpectAsync(await _up.Client.SendAsync(request), HttpStatusCode.Forbidden, "PermissionDenied");

        using var audit = JsonDocument.Parse(await _admin.GetStringAsync("audit"));
        var records = audit.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "consumer.created" && r.GetProperty("outcome").GetString() == "denied"
            && r.GetProperty("actor").GetString() == "local-operator" && r.GetProperty("target").GetString() == "ops");

        // A denial is a failure: audited aggregated, when its interval ends (Tokengate:Audit:FailureInterval, 1 minute).
        _time.Advance(TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var denials = JsonDocument.Parse(await _admin.GetStringAsync("audit?action=authorization.denied"));
            if (denials.RootElement.GetProperty("data").EnumerateArray().Any(r => r.GetProperty("actor").GetString() == "dev"
                && r.GetProperty("clientAddress").GetString() == "127.0.0.1" && r.GetProperty("target").GetString() == "POST /admin/consumers"
                && r.GetProperty("count").GetInt64() == 1)) break;
            Assert.True(DateTime.UtcNow < deadline, "no authorization.denied record for dev within 30 s of the interval's end");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task DisabledConsumer_KeysRefused()
    {
        var (_, key) = await AdminKeys.CreateConsumerWithKeyAsync(_admin, "leaver");
        using (var disable = await _admin.DeleteAsync("consumers/leaver")) Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(_up.Client, key));
        await ExpectAsync(await _admin.PostAsJsonAsync("consumers/leaver/keys", new { }), HttpStatusCode.Conflict, "Conflict", "disabled");
    }

    [Fact]
    public async Task RepeatedFailures_ThatAddressGets429_OtherAddressUnaffected_UntilWindowEnds()
    {
        using var first = AdminKeys.From("127.0.0.1", _up.Endpoint);
        using var second = AdminKeys.From("127.0.0.2", _up.Endpoint);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(first, "tg_guess" + i));

        using (var blocked = await first.SendAsync(GatewayRequests.Chat("gpt-4o", "tg_guess10")))
        {
            await AzureErrorAssert.IsErrorAsync(blocked, (HttpStatusCode)429, "429");
            Assert.Equal("60", blocked.Headers.GetValues("retry-after").Single());
        }
        // While blocked, even a valid key from that address waits: guessing gains nothing from mixing one in.
        Assert.Equal((HttpStatusCode)429, await AdminKeys.ChatStatusAsync(first, _up.Key));

        // Another address keeps its own count.
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(second, _up.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(second, "tg_other"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(first, _up.Key));
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? messagePart = null)
    {
        using (response)
        {
            var error = await AzureErrorAssert.IsErrorAsync(response, status, code);
            if (messagePart is not null) Assert.Contains(messagePart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
