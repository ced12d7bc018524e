namespace Tokengate.Identity;

/// <summary>Who asks for a consumer or key change: as the audit log records it, and with the roles it holds when the change is decided.</summary>
/// <param name="Actor">The caller's name and address, for the audit log.</param>
/// <param name="Roles">
/// Its effective roles at the moment of asking: the roles of its credential plus the elevations active then. A
/// case-insensitive set, as role claims are compared.
/// </param>
internal sealed record AdminCaller(AuditActor Actor, IReadOnlySet<string> Roles);
