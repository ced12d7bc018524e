using System.Security.Cryptography;

namespace Tokengate.Simulator.Files;

/// <summary>Ids shaped like Azure's: a prefix and 32 hex digits (<c>file-…</c>, <c>ftjob-…</c>, <c>upload_…</c>).</summary>
internal static class FileIds
{
    public static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
