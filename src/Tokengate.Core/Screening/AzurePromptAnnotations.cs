namespace Tokengate.Screening;

/// <summary>What Azure's own prompt filter said about a request, as its answer reports it.</summary>
[Flags]
internal enum AzurePromptAnnotations
{
    None = 0,

    /// <summary>A <c>jailbreak</c> entry with <c>detected: true</c>.</summary>
    Jailbreak = 1,

    /// <summary>An <c>indirect_attack</c> entry with <c>detected: true</c>.</summary>
    IndirectAttack = 2,

    /// <summary>Azure refused the prompt for it (<c>filtered: true</c>, or the <c>content_filter</c> 400).</summary>
    Filtered = 4,
}
