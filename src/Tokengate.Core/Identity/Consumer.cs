namespace Tokengate.Identity;

/// <summary>An authenticated caller of the gateway.</summary>
/// <param name="Name">The consumer's name, as configured.</param>
public sealed record Consumer(string Name);
