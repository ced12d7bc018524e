namespace Tokengate.Identity;

/// <summary>
/// One active key in the in-memory lookup: its owner, when it stops working, and whether it was read from the
/// database (such keys stop working while the stored keys are older than <see cref="KeyStoreOptions.MaxStaleness"/>).
/// </summary>
internal sealed record KeyEntry(Consumer Consumer, DateTimeOffset? ExpiresAt, bool Stored = false);
