using System.Net;

namespace Tokengate.Audit;

/// <summary>One refused or denied request, on its way to <see cref="FailureAuditWriter"/>; every text already capped.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Action">The audit action (<see cref="FailureAudit.AdminUnauthenticated"/>, ...).</param>
/// <param name="Actor">The principal, or <see cref="FailureAudit.Unauthenticated"/>.</param>
/// <param name="Address">The client address (IPv4-mapped addresses as IPv4), when known.</param>
/// <param name="Reason">Why it was refused, from a small set of texts: repeats are told apart by it.</param>
/// <param name="Target">What was called (method and path, or a deployment).</param>
/// <param name="UserAgent">The caller's <c>User-Agent</c>, when it sent one.</param>
internal readonly record struct AuditFailure(
    DateTimeOffset At, string Action, string Actor, IPAddress? Address, string Reason, string? Target, string? UserAgent);
