namespace Tokengate.Logging;

/// <summary>What a content lookup found: a <see cref="ContentAvailability"/> value, and the content when available.</summary>
internal sealed record RequestLogContentResult(string Availability, string? Request = null, string? Completion = null);
