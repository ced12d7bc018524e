namespace Tokengate.Simulator.ContentSafety;

/// <summary>
/// What makes the simulated Prompt Shields call a text an attack: a deterministic stand-in for Azure's classifier, so
/// tests and demos can choose the verdict. Matched without regard to case, anywhere in the text.
/// </summary>
internal static class AttackMarkers
{
    /// <summary>The markers, as documented in docs/simulator.md.</summary>
    public static readonly string[] All = ["[[attack]]", "ignore all previous instructions"];

    public static bool IsAttack(string text)
    {
        foreach (var marker in All)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
