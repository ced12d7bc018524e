using System.Security.Cryptography;

namespace Tokengate.Simulator.Responses;

/// <summary>Ids shaped like the service's: a type prefix and 48 hex digits (<c>resp_…</c>, <c>msg_…</c>, <c>fc_…</c>).</summary>
internal static class ResponseIds
{
    public static string NewHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static string NewResponseId() => "resp_" + NewHex();
}
