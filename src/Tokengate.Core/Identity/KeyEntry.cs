namespace Tokengate.Identity;

/// <summary>One active key in the in-memory lookup: its owner and when it stops working.</summary>
internal sealed record KeyEntry(Consumer Consumer, DateTimeOffset? ExpiresAt);
