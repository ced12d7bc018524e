using System.Net;
using Tokengate.Configuration;

namespace Tokengate.Network;

public sealed class NetworkRulesTests
{
    [Fact]
    public void Admits_NoRules_EveryAddressAndUnknown()
    {
        var rules = NetworkRules.From(new GatewayOptions());

        Assert.True(rules.Admits(IPAddress.Parse("198.51.100.1")));
        Assert.True(rules.Admits(null));
        Assert.True(rules.Admits("anyone", IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void Admits_GlobalList_OnlyAddressesInIt()
    {
        var options = new GatewayOptions { Network = { AllowedIpRanges = ["10.0.0.0/8"] } };
        var rules = NetworkRules.From(options);

        Assert.True(rules.Admits(IPAddress.Parse("10.1.2.3")));
        Assert.False(rules.Admits(IPAddress.Parse("11.1.2.3")));
        Assert.False(rules.Admits(null));
    }

    [Fact]
    public void Admits_PerConsumerList_AppliesToThatConsumerOnly()
    {
        var options = new GatewayOptions { Consumers = { ["ci"] = new ConsumerOptions { AllowedIpRanges = ["192.0.2.0/24"] } } };
        var rules = NetworkRules.From(options);

        Assert.True(rules.Admits("CI", IPAddress.Parse("192.0.2.9")));
        Assert.False(rules.Admits("ci", IPAddress.Parse("198.51.100.1")));
        Assert.True(rules.Admits("other", IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void Denied_NamesNoInternals()
    {
        Assert.Equal(403, NetworkRules.Denied.Status);
        Assert.Equal("403", NetworkRules.Denied.Code);
        Assert.StartsWith("Traffic is not from an approved network", NetworkRules.Denied.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d+\.\d+\.\d+\.\d+", NetworkRules.Denied.Message);
    }
}
