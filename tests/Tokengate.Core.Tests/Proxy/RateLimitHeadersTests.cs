using Tokengate.Routing;

namespace Tokengate.Proxy;

public class RateLimitHeadersTests
{
    [Fact]
    public void ReadBackendQuota_AzureHeaders_AllFour()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("x-ratelimit-limit-tokens", "10000");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-tokens", "9000");
        response.Headers.TryAddWithoutValidation("x-ratelimit-limit-requests", "10");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-requests", "9");

        Assert.Equal(new BackendQuotaReading(10000, 9000, 10, 9), RateLimitHeaders.ReadBackendQuota(response.Headers));
    }

    [Fact]
    public void ReadBackendQuota_MissingOrUnparsable_Null()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-tokens", "-5");
        response.Headers.TryAddWithoutValidation("x-ratelimit-limit-tokens", "lots");

        var reading = RateLimitHeaders.ReadBackendQuota(response.Headers);
        Assert.True(reading.IsEmpty);
    }
}
