namespace Tokengate.Identity;

/// <summary>Who asks for an admin change, as the audit log records it.</summary>
/// <param name="Name">The authenticated consumer's name (never a key).</param>
/// <param name="Address">The client address, when the request came over the network.</param>
internal sealed record AuditActor(string Name, string? Address);
