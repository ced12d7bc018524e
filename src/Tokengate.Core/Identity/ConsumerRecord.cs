namespace Tokengate.Identity;

/// <summary>A consumer kept in the database.</summary>
/// <param name="Name">Unique name (an application or a person).</param>
/// <param name="Group">Consumer group (team), if any.</param>
/// <param name="Roles">Its roles; at least <c>consumer</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="DisabledAt">When it was disabled; its keys stop working at that moment.</param>
public sealed record ConsumerRecord(string Name, string? Group, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt = null);
