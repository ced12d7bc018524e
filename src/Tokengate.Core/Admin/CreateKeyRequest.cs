namespace Tokengate.Admin;

/// <summary>Body of <c>POST /admin/consumers/{name}/keys</c> and <c>POST /admin/keys/{id}/rotate</c>; every field optional.</summary>
/// <param name="Expires">A duration from now (<c>30d</c>) or an ISO-8601 time; none means the key does not expire.</param>
/// <param name="Grace">Rotation only: how long the old key keeps working (<c>1h</c>); none means until it is revoked.</param>
internal sealed record CreateKeyRequest(string? Expires, string? Grace);
