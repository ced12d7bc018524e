using Microsoft.Extensions.Primitives;
using Tokengate.Identity;

namespace Tokengate.Priority;

/// <summary>Priority classes: granted per consumer, then group, then default; a header lowers, never raises; unknown names refused.</summary>
public sealed class PriorityPolicyTests
{
    private static readonly PriorityPolicy Policy = PriorityPolicy.Compile(new PriorityOptions
    {
        Consumers = { ["vip"] = "high" },
        Groups = { ["nightly"] = "low" },
    });

    private static Consumer Named(string name, string? group = null) => new(name, group, new HashSet<string> { Roles.Consumer });

    [Theory]
    [InlineData("vip", "nightly", "high")]      // the consumer's own class wins over its group's
    [InlineData("job", "nightly", "low")]
    [InlineData("app", null, "normal")]
    public void Granted_ConsumerThenGroupThenDefault(string name, string? group, string expected) =>
        Assert.Equal(expected, Policy.Granted(Named(name, group)).Name);

    [Theory]
    [InlineData("vip", "low", "low")]           // lowered
    [InlineData("app", "high", "normal")]       // cannot raise itself
    [InlineData("app", " LOW ", "low")]
    [InlineData("app", "", "normal")]
    public void Resolve_HeaderLowersNeverRaises(string name, string header, string expected)
    {
        var (priority, error) = Policy.Resolve(Named(name), new StringValues(header));
        Assert.Null(error);
        Assert.Equal(expected, priority.Name);
    }

    [Fact]
    public void Resolve_UnknownClass_400NamingTheClasses()
    {
        var (_, error) = Policy.Resolve(Named("app"), new StringValues("urgent"));
        Assert.Equal((400, "invalid_priority"), (error!.Status, error.Code));
        Assert.Contains("high, normal, low", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredClasses_RankInOrder_DefaultIsTheMiddle()
    {
        var policy = PriorityPolicy.Compile(new PriorityOptions { Classes = ["interactive", "bulk"] });
        Assert.Equal(["interactive", "bulk"], policy.Classes.Select(c => c.Name));
        Assert.Equal("bulk", policy.Granted(Named("x")).Name);
    }

    [Fact]
    public void Compile_Defaults_HighestUpToFull_MiddleAtPoolThreshold_LowestKeepsBelow70AndWaits()
    {
        var classes = Policy.Ordered;
        Assert.Equal((100.0, WhenFull.Spill, TimeSpan.Zero), (classes[0].ProvisionedUtilizationPercent, classes[0].WhenFull, classes[0].MaxWait));
        Assert.Equal(((double?)null, WhenFull.Spill, TimeSpan.Zero), (classes[1].ProvisionedUtilizationPercent, classes[1].WhenFull, classes[1].MaxWait));
        Assert.Equal((70.0, WhenFull.Wait, TimeSpan.FromSeconds(30)), (classes[2].ProvisionedUtilizationPercent, classes[2].WhenFull, classes[2].MaxWait));
        Assert.All(classes, c => Assert.Equal(16, c.MaxQueuedPerConsumer));
    }

    [Fact]
    public void Compile_Policies_OverrideTheDefaults()
    {
        var policy = PriorityPolicy.Compile(new PriorityOptions
        {
            Policies = { ["normal"] = new PriorityClassOptions { WhenFull = WhenFull.Wait, MaxWait = TimeSpan.FromSeconds(5), MaxQueuedPerConsumer = 2, ProvisionedUtilizationPercent = 80 } },
        });

        var normal = policy.Ordered[1];
        Assert.Equal((80.0, WhenFull.Wait, TimeSpan.FromSeconds(5), 2), (normal.ProvisionedUtilizationPercent, normal.WhenFull, normal.MaxWait, normal.MaxQueuedPerConsumer));
        Assert.False(normal.FallsBackToProvisioned);
    }

    [Theory]
    [InlineData("", 30_000)]
    [InlineData("1500", 1_500)]
    [InlineData("0", 0)]
    [InlineData("600000", 30_000)]  // never longer than the class allows
    public void MaxWait_Header_ShortensNeverLengthens(string header, int expectedMs)
    {
        var (wait, error) = Policy.MaxWait(Policy.Ordered[2], new StringValues(header));

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public void MaxWait_HeaderNotANumber_Refused400()
    {
        var (_, error) = Policy.MaxWait(Policy.Ordered[2], new StringValues("soon"));

        Assert.Equal(400, error!.Status);
        Assert.Equal("x-tokengate-max-wait", error.Param);
    }
}
