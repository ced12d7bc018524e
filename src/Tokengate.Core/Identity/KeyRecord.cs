namespace Tokengate.Identity;

/// <summary>What is known about a gateway-issued key: never the key itself, never its hash.</summary>
/// <param name="Id">Stable identifier such as <c>key_7f3a...</c>, used to rotate or revoke it.</param>
/// <param name="Consumer">The consumer it belongs to.</param>
/// <param name="Prefix">The key's first characters, so a person can recognise which key a client holds.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working by itself, if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record KeyRecord(string Id, string Consumer, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || now < expires);

    /// <summary><c>active</c>, <c>revoked</c> or <c>expired</c>.</summary>
    public string Status(DateTimeOffset now) => RevokedAt is not null ? "revoked" : IsActive(now) ? "active" : "expired";
}
