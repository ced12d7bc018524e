namespace Tokengate.Admin;

/// <summary>Body of <c>POST /admin/consumers</c>.</summary>
internal sealed record CreateConsumerRequest(string? Name, string? Group, List<string>? Roles);
