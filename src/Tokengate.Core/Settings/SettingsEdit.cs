namespace Tokengate.Settings;

/// <summary>One part of a managed-settings change: everything under <paramref name="Key"/> is replaced by <paramref name="Values"/>.</summary>
/// <param name="Key">The configuration key of the part (its children go with it).</param>
/// <param name="Owners">Keys that, when another source defines any of them, make the part that source's (409).</param>
/// <param name="Values">The part's new keys; null removes the managed value.</param>
/// <param name="BindsAs">The type the part must bind to (unknown fields refused); null for a plain value.</param>
/// <param name="Label">How messages name the part, e.g. <c>limits</c>.</param>
internal sealed record SettingsEdit(string Key, IReadOnlyList<string> Owners, IReadOnlyDictionary<string, string?>? Values, Type? BindsAs, string Label);
