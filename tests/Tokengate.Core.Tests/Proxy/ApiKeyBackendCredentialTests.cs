using Microsoft.Extensions.Time.Testing;
using Tokengate.Secrets;

namespace Tokengate.Proxy;

public sealed class ApiKeyBackendCredentialTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ApiKeyBackendCredential TwoKeys(bool asBearer = false) =>
        new("b1", asBearer, _time, new SecretValue("env:K1", "key-one"), new SecretValue("env:K2", "key-two"));

    private static async Task<(HttpRequestMessage Request, ApiKeyBackendCredential.Applied Applied)> ApplyAsync(ApiKeyBackendCredential credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://example.com/");
        await credential.ApplyAsync(request, default);
        Assert.True(request.Options.TryGetValue(ApiKeyBackendCredential.AppliedKey, out var applied));
        return (request, applied);
    }

    private static string ApiKeyHeader(HttpRequestMessage request) => Assert.Single(request.Headers.GetValues("api-key"));

    [Fact]
    public async Task ApplyAsync_AzureBackend_SetsApiKeyOfTheActiveSlot()
    {
        var (request, applied) = await ApplyAsync(TwoKeys());

        Assert.Equal("key-one", ApiKeyHeader(request));
        Assert.Equal(ApiKeyCredentialSlot.Primary, applied.Slot);
    }

    [Fact]
    public async Task ApplyAsync_OpenAIBackend_SetsBearer()
    {
        var (request, _) = await ApplyAsync(TwoKeys(asBearer: true));

        Assert.Equal("Bearer key-one", request.Headers.Authorization!.ToString());
        Assert.False(request.Headers.Contains("api-key"));
    }

    [Fact]
    public async Task TryReplaceRefusedKey_ActiveKeyRefused_SwitchesAndPutsTheOtherKeyOnTheRequest()
    {
        var credential = TwoKeys();
        var (request, applied) = await ApplyAsync(credential);
        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.True(credential.TryReplaceRefusedKey(applied, request, out var switched));

        Assert.True(switched);
        Assert.Equal("key-two", ApiKeyHeader(request));
        Assert.Equal(ApiKeyCredentialSlot.Secondary, credential.ActiveSlot);
        Assert.Equal(_time.GetUtcNow(), credential.ActiveSince);
    }

    [Fact]
    public async Task TryReplaceRefusedKey_ConcurrentRefusals_SwitchOnceAndBothRetryWithTheNewKey()
    {
        var credential = TwoKeys();
        var (first, firstApplied) = await ApplyAsync(credential);
        var (second, secondApplied) = await ApplyAsync(credential);

        Assert.True(credential.TryReplaceRefusedKey(firstApplied, first, out var firstSwitched));
        Assert.True(credential.TryReplaceRefusedKey(secondApplied, second, out var secondSwitched));

        Assert.True(firstSwitched);
        Assert.False(secondSwitched);
        Assert.Equal(ApiKeyCredentialSlot.Secondary, credential.ActiveSlot);
        Assert.Equal("key-two", ApiKeyHeader(second));
    }

    [Fact]
    public async Task ApplyAsync_SingleKey_RequestNotMarkedForARetry()
    {
        var credential = new ApiKeyBackendCredential("b1", false, _time, new SecretValue("env:K1", "key-one"), null);
        var request = new HttpRequestMessage(HttpMethod.Post, "https://example.com/");

        await credential.ApplyAsync(request, default);

        Assert.Equal("key-one", ApiKeyHeader(request));
        Assert.False(request.Options.TryGetValue(ApiKeyBackendCredential.AppliedKey, out _));
    }

    [Fact]
    public async Task TryReplaceRefusedKey_SingleKey_NoRetry()
    {
        var credential = new ApiKeyBackendCredential("b1", false, _time, new SecretValue("env:K1", "key-one"), null);
        var request = new HttpRequestMessage(HttpMethod.Post, "https://example.com/");
        await credential.ApplyAsync(request, default);
        var applied = new ApiKeyBackendCredential.Applied(credential, new ApiKeyBackendCredential.Key(new SecretValue("env:K1", "key-one"), false), ApiKeyCredentialSlot.Primary);

        Assert.False(credential.TryReplaceRefusedKey(applied, request, out var switched));
        Assert.False(switched);
        Assert.Equal("key-one", ApiKeyHeader(request));
    }

    [Fact]
    public async Task Rotate_FreshValues_UsedAndOtherSlotActive()
    {
        var credential = TwoKeys();

        Assert.Equal(ApiKeyCredentialSlot.Secondary, credential.Rotate(new SecretValue("env:K1", "key-one-new"), new SecretValue("env:K2", "key-two-new")));
        Assert.Equal("key-two-new", ApiKeyHeader((await ApplyAsync(credential)).Request));
        Assert.Equal(ApiKeyCredentialSlot.Primary, credential.Rotate(new SecretValue("env:K1", "key-one-new"), new SecretValue("env:K2", "key-two-new")));
        Assert.Equal("key-one-new", ApiKeyHeader((await ApplyAsync(credential)).Request));
    }

    [Fact]
    public void Rotate_ReferencesChangedMeanwhile_RefusedAndUnchanged()
    {
        var credential = TwoKeys();

        Assert.Throws<InvalidOperationException>(() => credential.Rotate(new SecretValue("env:OTHER", "x"), new SecretValue("env:K2", "y")));
        Assert.Equal(ApiKeyCredentialSlot.Primary, credential.ActiveSlot);
    }

    [Fact]
    public async Task Update_Reload_KeepsTheActiveSlot()
    {
        var credential = TwoKeys();
        credential.Rotate(new SecretValue("env:K1", "key-one"), new SecretValue("env:K2", "key-two"));

        credential.Update(new SecretValue("env:K1", "key-one-b"), new SecretValue("env:K2", "key-two-b"), TimeSpan.FromDays(1));

        Assert.Equal(ApiKeyCredentialSlot.Secondary, credential.ActiveSlot);
        Assert.Equal("key-two-b", ApiKeyHeader((await ApplyAsync(credential)).Request));
        Assert.Equal(TimeSpan.FromDays(1), credential.RotationInterval);
    }

    [Fact]
    public void ToString_NeverTheKey()
    {
        var credential = TwoKeys();

        Assert.DoesNotContain("key-one", credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("key-two", credential.ToString(), StringComparison.Ordinal);
        Assert.Equal("env:K1", new SecretValue("env:K1", "key-one").ToString());
    }
}
