using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Proxy;

namespace Tokengate.Priority;

/// <summary>
/// Which <c>service_tier</c> a request carries to one backend. A tier the consumer asked for and may ask for
/// (<see cref="ConsumerOptions.AllowedServiceTiers"/>) goes through untouched. Otherwise the backend's tier for the
/// request's priority class (<see cref="BackendOptions.ServiceTiers"/>) is written in (replacing a tier the consumer
/// may not ask for); with no tier mapped, a tier the consumer may not ask for is removed, so the deployment's own
/// tier serves it, as for a request that named none. A body that needs none of this is forwarded as it came.
/// </summary>
internal static class ServiceTierPolicy
{
    /// <summary>Whether the consumer may choose <paramref name="tier"/> itself.</summary>
    public static bool Allows(GatewayOptions options, Consumer consumer, string tier) =>
        options.Consumers.TryGetValue(consumer.Name, out var configured) && configured.AllowedServiceTiers.Contains(tier);

    /// <summary>
    /// The edit that makes <paramref name="body"/> carry the right tier to a backend that maps the request's class to
    /// <paramref name="mapped"/> (null: nothing), and the tier the backend is then sent (null: none named).
    /// </summary>
    public static (BodyEdit? Edit, string? Sent) ForBackend(ReadOnlySpan<byte> body, in ParsedRequest parsed, bool consumerAllowed, string? mapped)
    {
        var asked = parsed.ServiceTier;
        if (asked is not null && consumerAllowed) return (null, asked);
        if (parsed.ServiceTierLength > 0)
        {
            if (mapped is not null) return (new BodyEdit(parsed.ServiceTierStart, parsed.ServiceTierLength, ServiceTierNames.JsonLiteral(mapped)), mapped);
            // JSON null already means the deployment's own tier.
            return asked is null ? (null, null) : (Removal(body, parsed), null);
        }
        if (mapped is null) return (null, null);
        var isEmptyObject = body[parsed.InsertAt..].TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        return (new BodyEdit(parsed.InsertAt, 0, Member(mapped, isEmptyObject)), mapped);
    }

    /// <summary>The member and one comma beside it (the one after it, else the one before it), so the object stays valid JSON.</summary>
    private static BodyEdit Removal(ReadOnlySpan<byte> body, in ParsedRequest parsed)
    {
        var start = parsed.ServiceTierMemberStart;
        var end = parsed.ServiceTierStart + parsed.ServiceTierLength;
        var after = end;
        while (after < body.Length && IsWhitespace(body[after])) after++;
        if (after < body.Length && body[after] == (byte)',')
        {
            end = after + 1;
        }
        else
        {
            var before = start - 1;
            while (before > 0 && IsWhitespace(body[before])) before--;
            if (body[before] == (byte)',') start = before;
        }
        return new BodyEdit(start, end - start, []);
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static readonly byte[] PriorityMember = "\"service_tier\":\"priority\","u8.ToArray();
    private static readonly byte[] DefaultMember = "\"service_tier\":\"default\","u8.ToArray();
    private static readonly byte[] FlexMember = "\"service_tier\":\"flex\","u8.ToArray();
    private static readonly byte[] AutoMember = "\"service_tier\":\"auto\","u8.ToArray();

    private static byte[] Member(string tier, bool alone)
    {
        var member = tier switch
        {
            ServiceTierNames.Priority => PriorityMember,
            ServiceTierNames.Default => DefaultMember,
            ServiceTierNames.Flex => FlexMember,
            _ => AutoMember,
        };
        return alone ? member[..^1] : member;
    }
}
