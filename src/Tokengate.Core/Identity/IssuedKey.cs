namespace Tokengate.Identity;

/// <summary>A key just created: the only moment its plain value exists outside the caller.</summary>
/// <param name="Record">What is stored about it.</param>
/// <param name="Key">The plain key, to be shown once and never again.</param>
public sealed record IssuedKey(KeyRecord Record, string Key);
