namespace Tokengate.Identity;

/// <summary>A row of the hot-path load: a key hash (upper-case hex) and the consumer that owns it.</summary>
internal sealed record ActiveKeyRow(string HashHex, string ConsumerName, string? Group, IReadOnlyList<string> Roles, DateTimeOffset? ExpiresAt);
