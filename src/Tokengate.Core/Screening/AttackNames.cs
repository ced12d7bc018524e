namespace Tokengate.Screening;

/// <summary>Attack kinds as Azure names them in its filter results, and as metrics, logs and headers show them.</summary>
internal static class AttackNames
{
    public const string None = "none";
    public const string Jailbreak = "jailbreak";
    public const string IndirectAttack = "indirect_attack";

    public static string Of(AttackKind attack) => attack switch
    {
        AttackKind.Jailbreak => Jailbreak,
        AttackKind.IndirectAttack => IndirectAttack,
        _ => None,
    };
}
