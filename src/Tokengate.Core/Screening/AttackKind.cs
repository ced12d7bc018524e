namespace Tokengate.Screening;

/// <summary>What an attack was found in, named as Azure names its filter results.</summary>
internal enum AttackKind
{
    /// <summary>None found.</summary>
    None,

    /// <summary>A direct attack in the user's prompt (Azure's <c>jailbreak</c>).</summary>
    Jailbreak,

    /// <summary>An attack in untrusted content passed to the model (Azure's <c>indirect_attack</c>).</summary>
    IndirectAttack,
}
