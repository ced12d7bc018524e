using Azure.Core;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Proxy;

public sealed class EntraIdBackendCredentialTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ApplyAsync_TokenStillFresh_ReusesItWithoutAskingAgain()
    {
        var source = new CountingCredential(_time, lifetime: TimeSpan.FromHours(1));
        var credential = new EntraIdBackendCredential(source, _time);

        var first = await ApplyAsync(credential);
        _time.Advance(TimeSpan.FromMinutes(54));
        var second = await ApplyAsync(credential);

        Assert.Equal("Bearer token-1", first);
        Assert.Equal(first, second);
        Assert.Equal(1, source.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], source.LastScopes);
    }

    [Fact]
    public async Task ApplyAsync_WithinFiveMinutesOfExpiry_FetchesANewToken()
    {
        var source = new CountingCredential(_time, lifetime: TimeSpan.FromHours(1));
        var credential = new EntraIdBackendCredential(source, _time);

        await ApplyAsync(credential);
        _time.Advance(TimeSpan.FromMinutes(55));
        Assert.Equal("Bearer token-2", await ApplyAsync(credential));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task ApplyAsync_ManyConcurrentRequests_FetchOnce()
    {
        var source = new CountingCredential(_time, lifetime: TimeSpan.FromHours(1));
        var credential = new EntraIdBackendCredential(source, _time);
        var headers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => ApplyAsync(credential)));
        Assert.All(headers, h => Assert.Equal("Bearer token-1", h));
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public void ToString_NeverContainsTheToken()
    {
        var credential = new EntraIdBackendCredential(new CountingCredential(_time, TimeSpan.FromHours(1)), _time);
        Assert.DoesNotContain("token-", credential.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string?> ApplyAsync(BackendCredential credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.openai.azure.com/");
        await credential.ApplyAsync(request, default);
        return request.Headers.Authorization?.ToString();
    }

    private sealed class CountingCredential(TimeProvider time, TimeSpan lifetime) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string[] LastScopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            await Task.Yield();
            LastScopes = requestContext.Scopes;
            var n = Interlocked.Increment(ref _calls);
            return new AccessToken($"token-{n}", time.GetUtcNow() + lifetime);
        }
    }
}
