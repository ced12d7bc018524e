using System.Text;
using Tokengate.Accounting;
using Tokengate.Priority;

namespace Tokengate.Proxy;

/// <summary>The usage reader's tier: the <c>service_tier</c> beside a body's usage.</summary>
public sealed class UsageReaderTests
{
    [Theory]
    [InlineData("{\"id\":\"c\",\"service_tier\":\"flex\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}", "flex")]
    [InlineData("{\"usage\":{\"input_tokens\":5,\"output_tokens\":2},\"service_tier\":\"priority\"}", "priority")]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2},\"service_tier\":null}", null)]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}", null)]
    public void TryRead_ServiceTierBesideUsage_Read(string json, string? expected)
    {
        Assert.True(UsageReader.TryRead(Encoding.UTF8.GetBytes(json), out var usage));

        Assert.Equal(expected, usage.ServiceTier);
        Assert.Equal(5, usage.PromptTokens);
    }

    [Fact]
    public void TryRead_KnownTier_SharedInstance()
    {
        Assert.True(UsageReader.TryRead("{\"service_tier\":\"default\",\"usage\":{\"prompt_tokens\":1}}"u8, out var usage));

        Assert.Same(ServiceTierNames.Default, usage.ServiceTier);
    }

    [Theory]
    [InlineData("""{"input_tokens":5,"output_tokens":2}""", true)]
    [InlineData("""{"output_tokens":2}""", false)]
    [InlineData("null", false)]
    [InlineData("""{"input_tokens":5""", false)]
    public void TryReadObject_UsageGivenAlone_ReadLikeABodysUsage(string json, bool expected)
    {
        Assert.Equal(expected, UsageReader.TryReadObject(Encoding.UTF8.GetBytes(json), out var usage));
        if (expected) Assert.Equal(new UsageCounts(5, 0, 2, UsageSource.Reported), usage);
    }
}
