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
}
