using System.Text;
using System.Text.Json;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Proxy;

namespace Tokengate.Priority;

/// <summary>Which tier a body carries to a backend: the consumer's when allowed, else the backend's mapped one, else none.</summary>
public sealed class ServiceTierPolicyTests
{
    private static (string Body, string? Sent, bool Edited) ForBackend(string json, bool allowed, string? mapped)
    {
        var body = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestBodyParser.TryParse(body, out var parsed, out var error), error);
        var (edit, sent) = ServiceTierPolicy.ForBackend(body, parsed, allowed, mapped);
        if (edit is not { } e) return (json, sent, false);
        var edited = Encoding.UTF8.GetString(BodyRewriter.Applied(body, e, ref parsed));
        // The result is still one JSON object, and what the parser reads from it agrees.
        using var document = JsonDocument.Parse(edited);
        Assert.True(RequestBodyParser.TryParse(Encoding.UTF8.GetBytes(edited), out var reparsed, out error), error);
        Assert.Equal(sent, reparsed.ServiceTier);
        return (edited, sent, true);
    }

    [Fact]
    public void ForBackend_NothingAskedNothingMapped_BodyUntouched()
    {
        var (body, sent, edited) = ForBackend("""{"messages":[],"n":1}""", allowed: false, mapped: null);

        Assert.False(edited);
        Assert.Null(sent);
        Assert.Equal("""{"messages":[],"n":1}""", body);
    }

    [Fact]
    public void ForBackend_NothingAskedTierMapped_MappedTierInserted()
    {
        var (body, sent, _) = ForBackend("""{"messages":[]}""", allowed: false, mapped: "flex");

        Assert.Equal("flex", sent);
        Assert.Equal("""{"service_tier":"flex","messages":[]}""", body);
    }

    [Fact]
    public void ForBackend_EmptyObjectTierMapped_InsertedWithoutComma()
    {
        var (body, _, _) = ForBackend("{ }", allowed: false, mapped: "priority");

        Assert.Equal("""{"service_tier":"priority" }""", body);
    }

    [Fact]
    public void ForBackend_AllowedTierAsked_PassedThroughEvenWhenMapped()
    {
        var (body, sent, edited) = ForBackend("""{"messages":[],"service_tier":"priority"}""", allowed: true, mapped: "flex");

        Assert.False(edited);
        Assert.Equal("priority", sent);
        Assert.Contains("\"service_tier\":\"priority\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void ForBackend_DisallowedTierAskedTierMapped_ReplacedByMapped()
    {
        var (body, sent, _) = ForBackend("""{"messages":[],"service_tier": "priority","n":1}""", allowed: false, mapped: "default");

        Assert.Equal("default", sent);
        Assert.Equal("""{"messages":[],"service_tier": "default","n":1}""", body);
    }

    [Theory]
    [InlineData("""{"service_tier":"priority","messages":[]}""", """{"messages":[]}""")]
    [InlineData("""{"messages":[], "service_tier" : "priority" ,"n":1}""", """{"messages":[], "n":1}""")]
    [InlineData("""{"messages":[],"service_tier":"priority"}""", """{"messages":[]}""")]
    [InlineData("""{ "service_tier":"priority" }""", """{  }""")]
    public void ForBackend_DisallowedTierNothingMapped_MemberRemoved(string json, string expected)
    {
        var (body, sent, _) = ForBackend(json, allowed: false, mapped: null);

        Assert.Null(sent);
        Assert.Equal(expected, body);
    }

    [Fact]
    public void ForBackend_JsonNullTierNothingMapped_BodyUntouched()
    {
        var (_, sent, edited) = ForBackend("""{"messages":[],"service_tier":null}""", allowed: false, mapped: null);

        Assert.False(edited);
        Assert.Null(sent);
    }

    [Fact]
    public void Allows_TierInTheConsumersList_OnlyThatTier()
    {
        var options = new GatewayOptions { Consumers = { ["alice"] = new ConsumerOptions { AllowedServiceTiers = ["priority"] } } };
        var alice = new Consumer("alice", null, new HashSet<string> { Roles.Consumer });
        var bob = new Consumer("bob", null, new HashSet<string> { Roles.Consumer });

        Assert.True(ServiceTierPolicy.Allows(options, alice, "priority"));
        Assert.False(ServiceTierPolicy.Allows(options, alice, "flex"));
        Assert.False(ServiceTierPolicy.Allows(options, bob, "priority"));
    }
}
