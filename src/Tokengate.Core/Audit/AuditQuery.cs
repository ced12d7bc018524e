namespace Tokengate.Audit;

/// <summary>A filter over the audit log; every field optional.</summary>
/// <param name="Since">Only records at or after this time.</param>
/// <param name="Actor">Only this actor.</param>
/// <param name="ActionPrefix">Only actions starting with this (e.g. <c>key.</c>).</param>
/// <param name="Limit">At most this many, newest first (1–10000, default 100).</param>
public sealed record AuditQuery(DateTimeOffset? Since = null, string? Actor = null, string? ActionPrefix = null, int Limit = 100);
