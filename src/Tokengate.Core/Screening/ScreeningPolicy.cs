namespace Tokengate.Screening;

/// <summary>One compiled screening policy, shared by every request it applies to.</summary>
/// <param name="Source">Which entry it came from (<c>consumer:alice</c>, <c>group:team</c>, <c>deployment:chat</c>, <c>default</c>), for logs.</param>
/// <param name="Mode">See <see cref="ScreeningPolicyOptions.Mode"/>.</param>
/// <param name="Detectors">The detector names, in configuration order; null for the default list.</param>
/// <param name="Combine">See <see cref="ScreeningPolicyOptions.Combine"/>.</param>
/// <param name="ScreenHistory">See <see cref="ScreeningPolicyOptions.ScreenHistory"/>.</param>
/// <param name="ScreenUntrusted">See <see cref="ScreeningPolicyOptions.ScreenUntrusted"/>.</param>
/// <param name="OnDetectorFailure">See <see cref="ScreeningPolicyOptions.OnDetectorFailure"/>.</param>
/// <param name="Timeout">See <see cref="ScreeningPolicyOptions.Timeout"/>.</param>
internal sealed record ScreeningPolicy(
    string Source,
    ScreeningMode Mode,
    IReadOnlyList<string>? Detectors,
    ScreeningCombine Combine,
    bool ScreenHistory,
    bool ScreenUntrusted,
    DetectorFailureMode OnDetectorFailure,
    TimeSpan Timeout)
{
    public static ScreeningPolicy Off { get; } = From("default", new ScreeningPolicyOptions());

    public bool IsOff => Mode == ScreeningMode.Off;

    public static ScreeningPolicy From(string source, ScreeningPolicyOptions options) => new(
        source, options.Mode, options.Detectors is { } names ? [.. names] : null, options.Combine,
        options.ScreenHistory, options.ScreenUntrusted, options.OnDetectorFailure, options.Timeout);
}
