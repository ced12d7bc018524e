namespace Tokengate.Settings;

/// <summary>The managed settings as read from the database: every key with its value, and the version they were read at.</summary>
/// <param name="Version">Incremented by every write; an instance re-reads the keys only when it changed.</param>
/// <param name="Values">Configuration keys (<c>Tokengate:Limits:Consumers:alice:TokensPerMinute</c>) and their values.</param>
internal sealed record StoredSettings(long Version, IReadOnlyDictionary<string, string?> Values)
{
    public static StoredSettings Empty { get; } = new(-1, new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase));
}
